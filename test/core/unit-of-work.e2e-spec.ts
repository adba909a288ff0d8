import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { TransactionRequiredError, UnitOfWork } from '@app/core';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

describe('the unit of work', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let uow: UnitOfWork;

  const rows = async (): Promise<string[]> =>
    (await dataSource.query<{ v: string }[]>('select v from uow_probe order by v')).map((r) => r.v);
  const insert = (v: string): Promise<unknown> =>
    uow.manager.query('insert into uow_probe (v) values ($1)', [v]);
  const backendPid = async (): Promise<number> =>
    (await uow.manager.query<{ pid: number }[]>('select pg_backend_pid() as pid'))[0].pid;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    dataSource = new DataSource({ type: 'postgres', url: db.url, extra: { max: 4 } });
    await dataSource.initialize();
    await dataSource.query('create table uow_probe (v text primary key)');
    uow = new UnitOfWork(dataSource);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('lets a callee join its caller’s transaction without being handed it, so both roll back together', async () => {
    const callee = async (): Promise<void> => {
      await insert('callee-1');
    };
    await expect(
      uow.transaction(async () => {
        await insert('caller-1');
        await callee();
        expect(uow.inTransaction).toBe(true);
        throw new Error('the caller fails after the callee wrote');
      }),
    ).rejects.toThrow('the caller fails');
    expect(await rows()).toEqual([]);
  });

  it('runs the joined work on the very connection of the transaction', async () => {
    await uow.transaction(async () => {
      const outer = await backendPid();
      const inner = await uow.transaction(() => backendPid());
      expect(inner).toBe(outer);
    });
  });

  it('commits when the work resolves and then runs the after-commit effects, never on rollback', async () => {
    const effects: string[] = [];
    await uow.transaction(async () => {
      await insert('committed-1');
      uow.afterCommit(() => effects.push('after the commit'));
      expect(effects).toEqual([]);
    });
    expect(effects).toEqual(['after the commit']);
    await expect(
      uow.transaction(() => {
        uow.afterCommit(() => effects.push('must not run'));
        return Promise.reject(new Error('rolled back'));
      }),
    ).rejects.toThrow('rolled back');
    expect(effects).toEqual(['after the commit']);
    expect(await rows()).toContain('committed-1');
  });

  it('keeps a separate transaction’s write when the caller rolls back', async () => {
    await expect(
      uow.transaction(async () => {
        await insert('rolled-back-2');
        await uow.separateTransaction(() => insert('kept-2'));
        throw new Error('caller fails');
      }),
    ).rejects.toThrow('caller fails');
    const now = await rows();
    expect(now).toContain('kept-2');
    expect(now).not.toContain('rolled-back-2');
  });

  it('refuses an outbox-style write outside a transaction and runs pool queries outside one on request', async () => {
    expect(uow.inTransaction).toBe(false);
    expect(() => uow.requireTransaction('an outbox entry')).toThrow(TransactionRequiredError);
    await uow.transaction(async () => {
      expect(() => uow.requireTransaction()).not.toThrow();
      await insert('inside-3');
      // Outside the transaction the uncommitted row is invisible: another connection answers.
      const seen = await uow.outside(() =>
        uow.manager.query("select count(*)::int as n from uow_probe where v = 'inside-3'"),
      );
      expect(seen).toEqual([{ n: 0 }]);
      expect(uow.outside(() => uow.inTransaction)).toBe(false);
    });
  });

  it('refuses to join a weaker transaction with work that needs a stricter isolation', async () => {
    await uow.transaction(async () => {
      await expect(
        uow.transaction(() => Promise.resolve(1), { isolation: 'REPEATABLE READ' }),
      ).rejects.toThrow(/cannot join a READ COMMITTED transaction/);
    });
    const level = await uow.transaction(
      async () =>
        (await uow.manager.query<{ transaction_isolation: string }[]>('show transaction_isolation'))[0],
      { isolation: 'REPEATABLE READ' },
    );
    expect(level).toEqual({ transaction_isolation: 'repeatable read' });
  });

  it('does not leak a transaction into concurrent work started outside it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const inside = uow.transaction(async () => {
      await insert('concurrent-4');
      await gate;
    });
    // Started from the test's own context, not from inside the transaction.
    const outsideSeesIt = await uow.manager.query(
      "select count(*)::int as n from uow_probe where v = 'concurrent-4'",
    );
    expect(uow.inTransaction).toBe(false);
    release();
    await inside;
    expect(outsideSeesIt).toEqual([{ n: 0 }]);
  });
});
