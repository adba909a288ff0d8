import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { RightsRegistry, type ErasureOutcome, type PersonalDataEraser } from '@app/privacy';
import { PrivacyRequests } from '../../src/modules/data-subject-rights/index.js';
import { startTestApp, staffToken, type TestApp } from '../helpers/test-app.js';

/**
 * A module whose store is down while `test_outage` holds a row: its eraser then fails, as a module's
 * would when its database or provider is unreachable. Registered like any module's eraser.
 */
@Injectable()
class OutageProneEraser implements PersonalDataEraser, OnModuleInit {
  readonly name = 'outage-prone';

  constructor(
    private readonly rights: RightsRegistry,
    private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.dataSource.query(`create table if not exists test_outage (what text primary key)`);
    this.rights.registerEraser(this);
  }

  async erase(_subjectId: string, context: { manager: EntityManager }): Promise<ErasureOutcome[]> {
    const down: unknown[] = await context.manager.query(`select 1 from test_outage`);
    if (down.length > 0) throw new Error('the outage-prone store is unreachable');
    return [];
  }

  async eraseBlocked(): Promise<void> {}
}

@Module({ providers: [OutageProneEraser] })
class OutageModule {}

describe('a failed step is retried by the due-steps job', () => {
  let t: TestApp;
  let officer: { authorization: string };

  beforeAll(async () => {
    t = await startTestApp({ modules: [OutageModule] });
    officer = { authorization: `Bearer ${await staffToken(t, 'privacy-officer')}` };
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 503 with Retry-After, shows the failure in the queue, and completes the erasure on the retry', async () => {
    await t.db.query(`insert into test_outage values ('down')`);
    const recorded = await t.inject({
      method: 'POST',
      url: '/api/v1/admin/privacy/requests',
      headers: officer,
      payload: {
        type: 'erasure',
        email: `letter-${randomUUID()}@example.org`,
        receivedVia: 'letter',
        receivedAt: new Date().toISOString(),
        identityCheck: 'Signed letter; address matches the order on file',
      },
    });
    expect(recorded.statusCode).toBe(201);
    const id = recorded.json().request.id;
    const confirmed = await t.inject({
      method: 'POST',
      url: `/api/v1/admin/privacy/requests/${id}/confirmation`,
      headers: officer,
      payload: { identityCheck: 'Called back on the number in the letter; confirmed' },
    });
    expect(confirmed.statusCode).toBe(503);
    expect(confirmed.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(confirmed.headers['retry-after']).toBe('600');
    expect(confirmed.json().detail).toMatch(/retried automatically/);

    const queue = await t.inject({
      method: 'GET',
      url: '/api/v1/admin/privacy/requests?status=failed',
      headers: officer,
    });
    expect(queue.json()).toContainEqual(
      expect.objectContaining({ id, status: 'failed', lastError: expect.stringContaining('outage-prone') }),
    );

    const job = t.app.get(PrivacyRequests);
    // Not yet due: the retry waits for its back-off.
    expect(await job.runDueSteps(new Date())).toMatchObject({ ran: 0 });
    // Still down when it is due: it fails again and backs off further.
    expect(await job.runDueSteps(new Date(Date.now() + 3_600_000))).toMatchObject({ ran: 0, failed: 1 });
    const { rows: again } = await t.db.query<{ attempts: number; status: string }>(
      `select attempts, status from privacy_request where id = $1`,
      [id],
    );
    expect(again[0]).toEqual({ attempts: 2, status: 'failed' });

    await t.db.query(`delete from test_outage`);
    expect(await job.runDueSteps(new Date(Date.now() + 2 * 86_400_000))).toMatchObject({ ran: 1, failed: 0 });
    const detail = await t.inject({
      method: 'GET',
      url: `/api/v1/admin/privacy/requests/${id}`,
      headers: officer,
    });
    expect(detail.json().request.status).toBe('completed');
    const steps = detail.json<{ events: { step: string }[] }>().events.map((e) => e.step);
    expect(steps.filter((s) => s === 'step-failed')).toHaveLength(2);
    expect(steps.at(-1)).toBe('erased');
  });
});
