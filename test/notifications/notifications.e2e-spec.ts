import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RetentionSweep, RightsService } from '@app/privacy';
import { DataSource } from 'typeorm';
import { NotificationOutbox } from '../../src/modules/notifications/notification-outbox.js';
import { NotificationWorker } from '../../src/modules/notifications/notification-worker.js';
import type { NoticeJob } from '../../src/modules/notifications/notice.contracts.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { eventually, mailTo, newCustomer, register, signedInCustomer } from '../registration/helpers.js';

interface QueuedJob {
  id: string;
  data: NoticeJob;
}

/** The notice jobs waiting for one customer (what pg-boss holds: ids only). */
async function jobsFor(t: TestApp, customerId: string): Promise<QueuedJob[]> {
  const { rows } = await t.db.query<QueuedJob>(
    `select id::text as id, data from pgboss.job
      where name = 'notifications.send' and data->'recipient'->>'id' = $1 order by created_on`,
    [customerId],
  );
  return rows;
}

const customerIdOf = async (t: TestApp, email: string): Promise<string> =>
  (await t.db.query<{ id: string }>('select id from customer where email_normalized = $1', [email])).rows[0]
    .id;

describe('the notification outbox and its worker', () => {
  describe('with the worker running', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env: { JOBS_ENABLED: 'true' } });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('sends the welcome notice to the development mailbox, rendered for the recipient', async () => {
      const body = newCustomer({ firstName: 'Renate', lastName: 'Rhein' });
      await register(t, body);
      const [message] = await eventually(async () => {
        const m = await mailTo(t, body.email);
        return m.length > 0 ? m : undefined;
      });
      const id = await customerIdOf(t, body.email);
      expect(message).toMatchObject({
        template: 'registration.welcome',
        subject_id: `customer:${id}`,
        to_address: body.email,
        subject_line: 'Willkommen: Ihr Kundenkonto ist eingerichtet',
      });
      expect(message.body_text).toMatch(/^Guten Tag Renate Rhein,/);
      expect(message.body_text).not.toContain(body.password);
    });
  });

  describe('delivery', () => {
    let t: TestApp;
    let worker: NotificationWorker;
    beforeAll(async () => {
      // Workers off: the test delivers each job itself, at the moment it chooses.
      t = await startTestApp();
      worker = t.app.get(NotificationWorker);
    });
    afterAll(async () => {
      await t?.close();
    });

    it('carries ids only in the job, never an address or a name', async () => {
      const body = newCustomer({ firstName: 'Ida', lastName: 'Idsonly' });
      await register(t, body);
      const id = await customerIdOf(t, body.email);
      const [job] = await jobsFor(t, id);
      expect(job.data).toEqual({
        template: 'registration.welcome',
        recipient: { kind: 'customer', id },
        data: {},
      });
      const raw = JSON.stringify(job.data);
      expect(raw).not.toContain('@');
      expect(raw).not.toContain('Ida');
    });

    it('reads the address when it sends: a rectified address gets the notice', async () => {
      const c = await signedInCustomer(t);
      const [job] = await jobsFor(t, c.id);
      const newAddress = `moved-${Date.now()}@example.org`;
      await t.inject({
        method: 'PATCH',
        url: '/api/v1/shop/me',
        headers: c.auth,
        payload: { email: newAddress },
      });
      expect(await worker.deliver(job.data, job.id)).toBe('sent');
      expect(await mailTo(t, c.email)).toEqual([]);
      expect((await mailTo(t, newAddress)).map((m) => m.template)).toEqual(['registration.welcome']);
    });

    it('sends nothing to a person erased before the notice went out', async () => {
      const body = newCustomer();
      await register(t, body);
      const id = await customerIdOf(t, body.email);
      const [job] = await jobsFor(t, id);
      await t.app.get(RightsService).eraseSubject(`customer:${id}`);
      expect(await worker.deliver(job.data, job.id)).toBe('recipient-gone');
      expect(await mailTo(t, body.email)).toEqual([]);
    });

    it('writes one message however often a job is delivered', async () => {
      const body = newCustomer();
      await register(t, body);
      const [job] = await jobsFor(t, await customerIdOf(t, body.email));
      await worker.deliver(job.data, job.id);
      await worker.deliver(job.data, job.id);
      expect(await mailTo(t, body.email)).toHaveLength(1);
    });

    it("enqueues in the caller's transaction: a rollback leaves no notice behind", async () => {
      const c = await signedInCustomer(t);
      const before = (await jobsFor(t, c.id)).length;
      const outbox = t.app.get(NotificationOutbox);
      await expect(
        t.app.get(DataSource).transaction(async (manager) => {
          await outbox.notify(
            { template: 'registration.password-changed', recipient: { kind: 'customer', id: c.id } },
            manager,
          );
          throw new Error('the write this notice follows failed');
        }),
      ).rejects.toThrow('the write this notice follows failed');
      expect(await jobsFor(t, c.id)).toHaveLength(before);
    });

    it('refuses personal data in a job, an unknown template, and a send outside a transaction', async () => {
      const c = await signedInCustomer(t);
      const outbox = t.app.get(NotificationOutbox);
      const dataSource = t.app.get(DataSource);
      const recipient = { kind: 'customer', id: c.id };
      await expect(
        dataSource.transaction((m) =>
          outbox.notify({ template: 'registration.welcome', recipient, data: { email: c.email } }, m),
        ),
      ).rejects.toThrow(/no personal data in jobs/);
      await expect(
        dataSource.transaction((m) =>
          outbox.notify(
            { template: 'registration.welcome', recipient, data: { name: 'Erika Mustermann' } },
            m,
          ),
        ),
      ).rejects.toThrow(/no personal data in jobs/);
      await expect(
        dataSource.transaction((m) => outbox.notify({ template: 'registration.nonsense', recipient }, m)),
      ).rejects.toThrow(/no notice template/);
      await expect(
        outbox.notify({ template: 'registration.welcome', recipient }, dataSource.manager),
      ).rejects.toThrow(/open transaction/);
    });

    it('exports and erases the messages sent to a person', async () => {
      const c = await signedInCustomer(t);
      const [job] = await jobsFor(t, c.id);
      await worker.deliver(job.data, job.id);
      const rights = t.app.get(RightsService);
      const exported = await rights.exportSubject(`customer:${c.id}`);
      const section = exported.sections.find((s) => s.exporter === 'notifications');
      expect(section).toMatchObject({
        activities: ['customer-notifications'],
        categories: ['contact.email', 'identity.name', 'notification.content'],
      });
      expect(section?.records).toEqual([
        expect.objectContaining({
          recordType: 'outbound_message',
          data: expect.objectContaining({ template: 'registration.welcome', to: c.email }),
        }),
      ]);
      const report = await rights.eraseSubject(`customer:${c.id}`);
      expect(report.erasers.find((e) => e.eraser === 'notifications')?.erased).toHaveLength(1);
      expect(await mailTo(t, c.email)).toEqual([]);
    });

    it('deletes sent messages 30 days after sending', async () => {
      const c = await signedInCustomer(t);
      const [job] = await jobsFor(t, c.id);
      await worker.deliver(job.data, job.id);
      const sweep = t.app.get(RetentionSweep);
      await sweep.runSweep(new Date(Date.now() + 29 * 86_400_000));
      expect(await mailTo(t, c.email)).toHaveLength(1);
      await sweep.runSweep(new Date(Date.now() + 31 * 86_400_000));
      expect(await mailTo(t, c.email)).toEqual([]);
    });
  });
});
