import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module } from '@nestjs/common';
import { ActorContext, RetentionSweep, RightsService, type Actor } from '@app/privacy';
import { createHash } from 'node:crypto';
import { PartnerApi } from '../../src/modules/partners/partner-auth.js';
import { PartnersModule } from '../../src/modules/partners/partners.module.js';
import { staffToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/** A partner route of another module, as carrier handoff will add them: who does the kernel see acting? */
@PartnerApi()
@Controller('api/v1/partner/test-actor')
class ActorProbeController {
  @Get()
  actor(): Actor | undefined {
    return ActorContext.current();
  }
}

@Module({ imports: [PartnersModule], controllers: [ActorProbeController] })
class ActorProbeModule {}

interface IssuedKey {
  id: string;
  partnerId: string;
  prefix: string;
  scopes: string[];
  key: string;
}

describe('partner accounts and API keys', () => {
  let t: TestApp;
  let admin: { authorization: string };
  let dhl: string;
  let hermes: string;

  const asAdmin = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    t.inject({ method, url, headers: admin, ...(payload ? { payload } : {}) });
  const asPartner = (key: string, url: string) =>
    t.inject({ method: 'GET', url, headers: { 'x-api-key': key } });

  async function issueKey(partnerId: string, scopes: string[], label?: string): Promise<IssuedKey> {
    const res = await asAdmin('POST', `/api/v1/admin/partners/${partnerId}/api-keys`, {
      scopes,
      ...(label ? { label } : {}),
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    return res.json<IssuedKey>();
  }

  beforeAll(async () => {
    t = await startTestApp({ modules: [ActorProbeModule] });
    admin = { authorization: `Bearer ${await staffToken(t, 'admin')}` };
    const created = await asAdmin('POST', '/api/v1/admin/partners', {
      name: 'DHL Paket GmbH',
      kind: 'carrier',
      recipientId: 'dhl',
      contactName: 'Jana Schulz',
      contactEmail: 'jana.schulz@dhl.example',
    });
    expect(created.statusCode).toBe(201);
    dhl = created.json().id;
    hermes = (
      await asAdmin('POST', '/api/v1/admin/partners', {
        name: 'Hermes Germany GmbH',
        kind: 'carrier',
        recipientId: 'hermes',
      })
    ).json().id;
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('API keys', () => {
    it('shows the key once, at creation, and stores only its SHA-256 hash and its first 8 characters', async () => {
      const issued = await issueKey(dhl, ['shipments:read', 'api-keys:read'], 'DHL tracking (production)');
      expect(issued.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(issued.prefix).toBe(issued.key.slice(0, 8));
      expect(issued.scopes).toEqual(['api-keys:read', 'shipments:read']);
      const { rows } = await t.db.query(`select * from partner_api_key where id = $1`, [issued.id]);
      expect(rows[0].key_hash).toBe(createHash('sha256').update(issued.key).digest('hex'));
      expect(JSON.stringify(rows[0])).not.toContain(issued.key);
      expect(rows[0].created_by).toMatch(/^staff:/);

      const listed = await asAdmin('GET', `/api/v1/admin/partners/${dhl}/api-keys`);
      expect(listed.body).not.toContain(issued.key);
      expect(listed.body).not.toContain(rows[0].key_hash);
      expect(listed.json()).toEqual([
        expect.objectContaining({ id: issued.id, prefix: issued.prefix, revokedAt: null }),
      ]);
    });

    it('authenticates X-Api-Key on the partner API and tells the partner who it is', async () => {
      const issued = await issueKey(dhl, ['shipments:read']);
      const me = await asPartner(issued.key, '/api/v1/partner/me');
      expect(me.statusCode).toBe(200);
      expect(me.json()).toEqual({
        id: dhl,
        name: 'DHL Paket GmbH',
        kind: 'carrier',
        recipientId: 'dhl',
        apiKey: { id: issued.id, prefix: issued.prefix, scopes: ['shipments:read'] },
      });
      expect(me.body).not.toContain('jana');
      const { rows } = await t.db.query(`select last_used_at from partner_api_key where id = $1`, [
        issued.id,
      ]);
      expect(rows[0].last_used_at).toBeInstanceOf(Date);
    });

    it('answers 401 for a missing, unknown, malformed or revoked key, never saying which', async () => {
      const issued = await issueKey(dhl, ['shipments:read']);
      const revoked = await asAdmin('DELETE', `/api/v1/admin/partners/${dhl}/api-keys/${issued.id}`);
      expect(revoked.json()).toMatchObject({ id: issued.id, revokedAt: expect.any(String) });
      const again = await asAdmin('DELETE', `/api/v1/admin/partners/${dhl}/api-keys/${issued.id}`);
      expect(again.json().revokedAt).toBe(revoked.json().revokedAt);

      const unknown = 'A'.repeat(43);
      const answers = [
        await t.inject({ method: 'GET', url: '/api/v1/partner/me' }),
        await asPartner(unknown, '/api/v1/partner/me'),
        await asPartner('not a key', '/api/v1/partner/me'),
        await asPartner(issued.key, '/api/v1/partner/me'),
      ];
      for (const res of answers) {
        expect(res.statusCode).toBe(401);
        expect(res.json()).toMatchObject({
          type: 'urn:storefront:problem:unauthorized',
          detail: 'A valid, unrevoked API key is required in the X-Api-Key header.',
        });
      }
    });

    it('stops every key of a deactivated partner at once, and starts them again on reactivation', async () => {
      const issued = await issueKey(hermes, ['shipments:read']);
      expect((await asPartner(issued.key, '/api/v1/partner/me')).statusCode).toBe(200);
      await asAdmin('PATCH', `/api/v1/admin/partners/${hermes}`, { active: false });
      expect((await asPartner(issued.key, '/api/v1/partner/me')).statusCode).toBe(401);
      expect(
        (await asAdmin('POST', `/api/v1/admin/partners/${hermes}/api-keys`, { scopes: ['shipments:read'] }))
          .statusCode,
      ).toBe(409);
      await asAdmin('PATCH', `/api/v1/admin/partners/${hermes}`, { active: true });
      expect((await asPartner(issued.key, '/api/v1/partner/me')).statusCode).toBe(200);
    });

    it('refuses unknown scopes, naming the field', async () => {
      const res = await asAdmin('POST', `/api/v1/admin/partners/${dhl}/api-keys`, {
        scopes: ['shipments:read', 'orders:delete'],
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([{ field: 'scopes', reason: expect.any(String) }]);
    });
  });

  describe('scopes and ownership', () => {
    let dhlKey: IssuedKey;
    let hermesKey: IssuedKey;
    let dhlWithoutKeysScope: IssuedKey;

    beforeAll(async () => {
      dhlKey = await issueKey(dhl, ['api-keys:read', 'shipments:read']);
      hermesKey = await issueKey(hermes, ['api-keys:read']);
      dhlWithoutKeysScope = await issueKey(dhl, ['shipments:read']);
    });

    it("lets a partner read its own key's metadata", async () => {
      const res = await asPartner(dhlKey.key, `/api/v1/partner/api-keys/${dhlWithoutKeysScope.id}`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        id: dhlWithoutKeysScope.id,
        partnerId: dhl,
        prefix: dhlWithoutKeysScope.prefix,
      });
      expect(res.body).not.toContain(dhlWithoutKeysScope.key);
    });

    it("answers 404 to partner A for partner B's key, exactly as for a key that does not exist", async () => {
      const theirs = await asPartner(dhlKey.key, `/api/v1/partner/api-keys/${hermesKey.id}`);
      const nobodys = await asPartner(
        dhlKey.key,
        '/api/v1/partner/api-keys/00000000-0000-4000-8000-000000000000',
      );
      expect(theirs.statusCode).toBe(404);
      expect(nobodys.statusCode).toBe(404);
      const strip = (body: Record<string, unknown>) => ({
        ...body,
        requestId: undefined,
        instance: undefined,
      });
      expect(strip(theirs.json())).toEqual(strip(nobodys.json()));
      expect(theirs.body).not.toContain(hermesKey.prefix);
      expect((await asPartner(hermesKey.key, `/api/v1/partner/api-keys/${dhlKey.id}`)).statusCode).toBe(404);
    });

    it("lists only the partner's own keys", async () => {
      const res = await asPartner(hermesKey.key, '/api/v1/partner/api-keys');
      const partners = new Set(res.json<{ partnerId: string }[]>().map((k) => k.partnerId));
      expect([...partners]).toEqual([hermes]);
    });

    it('answers 403 on a route needing a scope the key lacks, naming the scope', async () => {
      const res = await asPartner(
        dhlWithoutKeysScope.key,
        `/api/v1/partner/api-keys/${dhlWithoutKeysScope.id}`,
      );
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({
        type: 'urn:storefront:problem:insufficient-scope',
        requiredScopes: ['api-keys:read'],
      });
    });

    it('runs partner routes as the partner, so the audit and disclosure logs name it', async () => {
      const res = await asPartner(dhlKey.key, '/api/v1/partner/test-actor');
      expect(res.json()).toEqual({ type: 'partner', id: dhl, role: 'carrier' });
    });
  });

  describe('administration', () => {
    it('binds a partner to a recipient of the registry, of the right role', async () => {
      const unknown = await asAdmin('POST', '/api/v1/admin/partners', {
        name: 'Nowhere Logistics',
        kind: 'logistics',
        recipientId: 'nowhere',
      });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().errors).toEqual([{ field: 'recipientId', reason: expect.any(String) }]);
      const processorAsCarrier = await asAdmin('POST', '/api/v1/admin/partners', {
        name: 'Host Carrier',
        kind: 'carrier',
        recipientId: 'hosting-provider',
      });
      expect(processorAsCarrier.statusCode).toBe(400);
      const duplicate = await asAdmin('POST', '/api/v1/admin/partners', {
        name: 'dhl paket gmbh',
        kind: 'carrier',
        recipientId: 'dhl',
      });
      expect(duplicate.statusCode).toBe(409);
    });

    it.each(['fulfilment', 'support', 'privacy-officer'] as const)(
      'is for administrators only: %s gets 403',
      async (role) => {
        const res = await t.inject({
          method: 'GET',
          url: '/api/v1/admin/partners',
          headers: { authorization: `Bearer ${await staffToken(t, role)}` },
        });
        expect(res.statusCode).toBe(403);
      },
    );

    it("records each administrator's read of a partner's contact in the audit log", async () => {
      await asAdmin('GET', `/api/v1/admin/partners/${dhl}`);
      const { rows } = await t.db.query(
        `select activity_id, action, fields from privacy.access_audit_log where subject_id = $1 order by seq desc limit 1`,
        [`partner-contact:${dhl}`],
      );
      expect(rows[0]).toMatchObject({ activity_id: 'partner-accounts', action: 'read' });
      expect(rows[0].fields).toEqual(expect.arrayContaining(['contactEmail', 'contactName']));
    });
  });

  describe("the technical contact's rights and retention", () => {
    it('exports and erases the contact data; the partner and its keys stay', async () => {
      const rights = t.app.get(RightsService);
      const partner = (
        await asAdmin('POST', '/api/v1/admin/partners', {
          name: 'Spedition Rhein GmbH',
          kind: 'logistics',
          recipientId: 'dhl',
          contactName: 'Tom Becker',
          contactEmail: 'tom@spedition-rhein.example',
        })
      ).json().id as string;
      const key = await issueKey(partner, ['shipments:read']);
      const copy = await rights.exportSubject(`partner-contact:${partner}`);
      expect(copy.sections.find((s) => s.exporter === 'partner-contacts')!.records).toEqual([
        expect.objectContaining({
          data: {
            partner: 'Spedition Rhein GmbH',
            contactName: 'Tom Becker',
            contactEmail: 'tom@spedition-rhein.example',
          },
        }),
      ]);
      const report = await rights.eraseSubject(`partner-contact:${partner}`);
      expect(report.complete).toBe(true);
      const { rows } = await t.db.query(
        `select name, contact_name, contact_email from partner where id = $1`,
        [partner],
      );
      expect(rows).toEqual([{ name: 'Spedition Rhein GmbH', contact_name: null, contact_email: null }]);
      expect((await asPartner(key.key, '/api/v1/partner/me')).statusCode).toBe(200);
    });

    it("erases a former partner's contact data 90 days after deactivation", async () => {
      const former = (
        await asAdmin('POST', '/api/v1/admin/partners', {
          name: 'Alt Logistik GmbH',
          kind: 'logistics',
          recipientId: 'dhl',
          contactEmail: 'it@alt-logistik.example',
        })
      ).json().id as string;
      await asAdmin('PATCH', `/api/v1/admin/partners/${former}`, { active: false });
      await t.app.get(RetentionSweep).runSweep(new Date());
      expect(
        (await t.db.query(`select contact_email from partner where id = $1`, [former])).rows[0].contact_email,
      ).toBe('it@alt-logistik.example');
      await t.db.query(`update partner set deactivated_at = now() - interval '91 days' where id = $1`, [
        former,
      ]);
      await t.app.get(RetentionSweep).runSweep(new Date());
      expect(
        (await t.db.query(`select contact_email from partner where id = $1`, [former])).rows[0].contact_email,
      ).toBeNull();
    });
  });
});
