import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import {
  ConsentLedger,
  DisclosureRefused,
  Discloser,
  PrivacyModule,
  ProcessingGuard,
  ProcessingRefused,
  RETENTION_PURPOSE,
  SubjectControls,
} from '@app/privacy';
import { contentHash } from '../../libs/privacy/src/registry/canonical-json.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { adminHeaders, startTestApp, type TestApp } from '../helpers/test-app.js';
import { ANALYTICS, NEWSLETTER, shippingActivity, TEST_CARRIER, TestDeclarationsModule } from './fixtures.js';

const wording = {
  version: 'newsletter-v1',
  text: 'Yes, send me the newsletter. I can withdraw at any time.',
};

describe('the privacy kernel at run time', () => {
  let t: TestApp;
  let guard: ProcessingGuard;
  let consent: ConsentLedger;
  let controls: SubjectControls;
  let discloser: Discloser;

  beforeAll(async () => {
    t = await startTestApp({ modules: [TestDeclarationsModule] });
    guard = t.app.get(ProcessingGuard);
    consent = t.app.get(ConsentLedger);
    controls = t.app.get(SubjectControls);
    discloser = t.app.get(Discloser);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('consent', () => {
    it('refuses consent-based processing without consent, allows it after a grant and refuses at once after withdrawal', async () => {
      const subject = 'customer:consent-1';
      await expect(guard.assertMayProcess(NEWSLETTER.id, subject)).rejects.toMatchObject({
        reason: 'no-consent',
      });
      await consent.grant({
        subjectId: subject,
        purpose: 'test-newsletter',
        wording,
        channel: 'web',
        evidence: { form: 'signup' },
      });
      await expect(guard.assertMayProcess(NEWSLETTER.id, subject)).resolves.toBeUndefined();
      await consent.withdraw({ subjectId: subject, purpose: 'test-newsletter', channel: 'web' });
      await expect(guard.assertMayProcess(NEWSLETTER.id, subject)).rejects.toBeInstanceOf(ProcessingRefused);
    });

    it('keeps every event: the state is derived from the ledger, with the wording version and hash', async () => {
      const subject = 'customer:consent-2';
      await consent.grant({ subjectId: subject, purpose: 'test-newsletter', wording, channel: 'web' });
      await consent.withdraw({ subjectId: subject, purpose: 'test-newsletter', channel: 'email-link' });
      await consent.grant({
        subjectId: subject,
        purpose: 'test-newsletter',
        wording: { ...wording, version: 'newsletter-v2' },
        channel: 'web',
      });
      const history = await consent.history(subject);
      expect(history.map((e) => [e.action, e.wordingVersion, e.channel])).toEqual([
        ['grant', 'newsletter-v1', 'web'],
        ['withdraw', 'newsletter-v1', 'email-link'],
        ['grant', 'newsletter-v2', 'web'],
      ]);
      expect(history[0].wordingHash).toMatch(/^[0-9a-f]{64}$/);
      expect(await consent.state(subject, 'test-newsletter')).toMatchObject({
        granted: true,
        wordingVersion: 'newsletter-v2',
      });
    });

    it('refuses to change or delete a consent event in the database', async () => {
      await consent.grant({
        subjectId: 'customer:consent-3',
        purpose: 'test-newsletter',
        wording,
        channel: 'web',
      });
      await expect(
        t.db.query(
          `update privacy.consent_event set action = 'withdraw' where subject_id = 'customer:consent-3'`,
        ),
      ).rejects.toThrow(/append-only/);
      await expect(
        t.db.query(`delete from privacy.consent_event where subject_id = 'customer:consent-3'`),
      ).rejects.toThrow(/append-only/);
    });
  });

  describe('restriction and objection', () => {
    it('refuses any processing of a restricted subject except for the retention purpose, until the restriction is lifted', async () => {
      const subject = 'customer:restricted-1';
      await controls.restrict(subject, 'accuracy contested (Art. 18(1)(a))', 'privacy-officer:1');
      await expect(guard.assertMayProcess('test-shipping', subject)).rejects.toMatchObject({
        reason: 'restricted',
      });
      await expect(
        guard.assertMayProcess('test-shipping', subject, { purpose: RETENTION_PURPOSE }),
      ).resolves.toBeUndefined();
      // An activity that is not a retention purpose gets nothing even when it claims to be one.
      await expect(
        guard.assertMayProcess(ANALYTICS.id, subject, { purpose: RETENTION_PURPOSE }),
      ).rejects.toMatchObject({ reason: 'restricted' });
      await controls.liftRestriction(subject, 'privacy-officer:1');
      await expect(guard.assertMayProcess('test-shipping', subject)).resolves.toBeUndefined();
    });

    it('refuses (f)-based processing after an objection, but not contract-based processing', async () => {
      const subject = 'customer:objector-1';
      await expect(guard.assertMayProcess(ANALYTICS.id, subject)).resolves.toBeUndefined();
      await controls.object(subject, ANALYTICS.id, 'web');
      await expect(guard.assertMayProcess(ANALYTICS.id, subject)).rejects.toMatchObject({
        reason: 'objected',
      });
      await expect(guard.assertMayProcess('test-shipping', subject)).resolves.toBeUndefined();
    });

    it('treats Sec-GPC as an objection to optional (f)-based processing', async () => {
      await expect(
        guard.assertMayProcess(ANALYTICS.id, 'customer:gpc-1', { globalPrivacyControl: true }),
      ).rejects.toMatchObject({ reason: 'objected' });
      // Hosting declares compelling grounds: the signal does not stop it.
      await expect(
        guard.assertMayProcess('hosting', 'customer:gpc-1', { globalPrivacyControl: true }),
      ).resolves.toBeUndefined();
    });

    it('refuses an activity nobody declared', async () => {
      await expect(guard.assertMayProcess('secret-profiling', 'customer:1')).rejects.toMatchObject({
        reason: 'unknown-activity',
      });
    });
  });

  describe('disclosure', () => {
    const address = {
      name: 'Erika Mustermann',
      street: 'Siemensring 98',
      postalCode: '47877',
      city: 'Willich',
      country: 'DE',
      parcel: { weightGrams: 1200, reference: 'SO-1' },
    };
    const disclosures = (subject: string) =>
      t.db.query(
        `select recipient_id, activity_id, fields, outcome from privacy.disclosure_log where subject_id = $1`,
        [subject],
      );

    it('sends an allow-listed payload and logs one disclosure with field names and a payload hash, no values', async () => {
      const sent: unknown[] = [];
      const subject = 'customer:ship-1';
      const result = await discloser.disclose({
        activityId: 'test-shipping',
        recipientId: TEST_CARRIER.id,
        subjectId: subject,
        payload: address,
        send: (p) => {
          sent.push(p);
          return Promise.resolve('TRACK-1');
        },
      });
      expect(result).toBe('TRACK-1');
      expect(sent).toEqual([address]);
      const rows = await t.db.query(`select * from privacy.disclosure_log where subject_id = $1`, [subject]);
      expect(rows.rows).toHaveLength(1);
      expect(rows.rows[0]).toMatchObject({
        recipient_id: 'test-carrier',
        activity_id: 'test-shipping',
        outcome: 'sent',
        fields: ['city', 'country', 'name', 'parcel.reference', 'parcel.weightGrams', 'postalCode', 'street'],
      });
      expect(rows.rows[0].payload_hash).toMatch(/^[0-9a-f]{64}$/);
      // Keyed (HMAC): a plain SHA-256 of a name and a postcode could be reversed by trying candidates.
      expect(rows.rows[0].payload_hash).toBe(discloser.payloadHash(address));
      expect(rows.rows[0].payload_hash).not.toBe(contentHash(address));
      expect(JSON.stringify(rows.rows[0])).not.toContain('Mustermann');
    });

    it('fails closed on one field beyond the allow-list: nothing is sent and no disclosure is logged', async () => {
      const subject = 'customer:ship-2';
      let called = false;
      const attempt = discloser.disclose({
        activityId: 'test-shipping',
        recipientId: TEST_CARRIER.id,
        subjectId: subject,
        payload: { ...address, phone: '+49 2154 000000' },
        send: () => {
          called = true;
          return Promise.resolve();
        },
      });
      await expect(attempt).rejects.toBeInstanceOf(DisclosureRefused);
      await expect(attempt).rejects.toMatchObject({ fields: ['phone'] });
      expect(called).toBe(false);
      expect((await disclosures(subject)).rows).toHaveLength(0);
    });

    it('adds the consented fields only while the consent is valid', async () => {
      const subject = 'customer:ship-3';
      const withEmail = { ...address, email: 'erika@example.org' };
      const send = () => Promise.resolve('ok');
      await expect(
        discloser.disclose({
          activityId: 'test-shipping',
          recipientId: 'test-carrier',
          subjectId: subject,
          payload: withEmail,
          send,
        }),
      ).rejects.toMatchObject({ fields: ['email'] });
      await consent.grant({
        subjectId: subject,
        purpose: 'test-carrier-notifications',
        wording: { version: 'c1', text: 'Tell the carrier my email for delivery notices.' },
        channel: 'checkout',
      });
      await expect(
        discloser.disclose({
          activityId: 'test-shipping',
          recipientId: 'test-carrier',
          subjectId: subject,
          payload: withEmail,
          send,
        }),
      ).resolves.toBe('ok');
      await consent.withdraw({ subjectId: subject, purpose: 'test-carrier-notifications', channel: 'web' });
      await expect(
        discloser.disclose({
          activityId: 'test-shipping',
          recipientId: 'test-carrier',
          subjectId: subject,
          payload: withEmail,
          send,
        }),
      ).rejects.toMatchObject({ fields: ['email'] });
      expect((await disclosures(subject)).rows).toHaveLength(1);
    });

    it('refuses a recipient the activity does not declare, and a restricted subject', async () => {
      await expect(
        discloser.disclose({
          activityId: 'test-shipping',
          recipientId: 'dhl',
          subjectId: 'customer:ship-4',
          payload: address,
          send: () => Promise.resolve('x'),
        }),
      ).rejects.toMatchObject({ slug: 'disclosure-refused' });
      await controls.restrict('customer:ship-5', 'objection pending', 'privacy-officer:1');
      await expect(
        discloser.disclose({
          activityId: 'test-shipping',
          recipientId: 'test-carrier',
          subjectId: 'customer:ship-5',
          payload: address,
          send: () => Promise.resolve('x'),
        }),
      ).rejects.toMatchObject({ reason: 'restricted' });
    });

    it('logs a failed send as an attempted disclosure', async () => {
      const subject = 'customer:ship-6';
      await expect(
        discloser.disclose({
          activityId: 'test-shipping',
          recipientId: 'test-carrier',
          subjectId: subject,
          payload: address,
          send: () => Promise.reject(new Error('timeout')),
        }),
      ).rejects.toThrow('timeout');
      expect((await disclosures(subject)).rows).toEqual([expect.objectContaining({ outcome: 'failed' })]);
    });
  });

  describe('admin routes', () => {
    it('answers 401 without the admin token', async () => {
      const res = await t.inject({ method: 'GET', url: '/api/v1/admin/privacy/lint' });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    });

    it('generates the Art. 30 record from the declarations as JSON, Markdown and HTML', async () => {
      const md = await t.inject({
        method: 'GET',
        url: '/api/v1/admin/privacy/record?format=md',
        headers: adminHeaders,
      });
      expect(md.statusCode).toBe(200);
      expect(md.headers['content-type']).toMatch(/^text\/markdown/);
      expect(md.body).toContain('Hosting, database operation, security and maintenance by processors');
      expect(md.body).toContain('Siemensring 98, 47877 Willich');
      const html = await t.inject({
        method: 'GET',
        url: '/api/v1/admin/privacy/record?format=html',
        headers: adminHeaders,
      });
      expect(html.headers['content-type']).toMatch(/^text\/html/);
      expect(html.body).toMatch(/<html/i);
      const json = await t.inject({
        method: 'GET',
        url: '/api/v1/admin/privacy/record',
        headers: adminHeaders,
      });
      expect(json.statusCode).toBe(200);
      expect(JSON.stringify(json.json())).toContain('test-shipping');
    });

    it('answers an unknown record format with a 400 naming the field', async () => {
      const res = await t.inject({
        method: 'GET',
        url: '/api/v1/admin/privacy/record?format=xml',
        headers: adminHeaders,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([expect.objectContaining({ field: 'format' })]);
    });

    it('shows the lint findings of the running registry', async () => {
      const res = await t.inject({ method: 'GET', url: '/api/v1/admin/privacy/lint', headers: adminHeaders });
      expect(res.statusCode).toBe(200);
      expect(res.json().errors).toBe(0);
    });
  });
});

describe('declarations are versioned by content', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  @Module({
    imports: [PrivacyModule.forFeature({ activities: [shippingActivity()], recipients: [TEST_CARRIER] })],
  })
  class V1 {}
  @Module({
    imports: [
      PrivacyModule.forFeature({
        activities: [shippingActivity({ purposes: ['Deliver the order', 'Handle returns'] })],
        recipients: [TEST_CARRIER],
      }),
    ],
  })
  class V2 {}

  it('stores a changed declaration as version 2 while version 1 stays readable with its validity period', async () => {
    const first = await startTestApp({ db, modules: [V1] });
    await first.close();
    const same = await startTestApp({ db, modules: [V1] });
    await same.close();
    const second = await startTestApp({ db, modules: [V2] });
    try {
      const res = await second.inject({
        method: 'GET',
        url: '/api/v1/admin/privacy/activities/test-shipping/versions',
        headers: adminHeaders,
      });
      expect(res.statusCode).toBe(200);
      const { versions } = res.json();
      expect(versions).toHaveLength(2);
      expect(versions[0]).toMatchObject({ version: 1, declaration: { purposes: ['Deliver the order'] } });
      expect(versions[0].validTo).not.toBeNull();
      expect(versions[1]).toMatchObject({
        version: 2,
        validTo: null,
        declaration: { purposes: ['Deliver the order', 'Handle returns'] },
      });
      expect(new Date(versions[1].validFrom).getTime()).toBe(new Date(versions[0].validTo).getTime());
    } finally {
      await second.close();
    }
  });

  it('refuses to start on an invalid declaration, naming the activity and the rule', async () => {
    @Module({
      imports: [
        PrivacyModule.forFeature({
          activities: [{ ...NEWSLETTER, id: 'test-broken-newsletter', consentPurpose: undefined }],
        }),
      ],
    })
    class Broken {}
    await expect(startTestApp({ db, modules: [Broken] })).rejects.toThrow(
      /activity "test-broken-newsletter" breaks rule consent-without-check/,
    );
  });
});
