import { describe, expect, it } from '@jest/globals';
import {
  GENESIS_HASH,
  canonicalFields,
  canonicalRow,
  hashRow,
  verifyAuditChain,
  type AuditQuery,
  type AuditRow,
} from './audit-chain.js';

/** A chain of `n` rows built the way the appender builds it. */
function chain(n: number): AuditRow[] {
  const rows: AuditRow[] = [];
  let prevHash = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const row = {
      seq: String(i),
      occurredAt: new Date(Date.UTC(2026, 0, 1, 12, 0, 0, i)),
      actor: { type: 'staff' as const, id: `staff-${i % 3}`, ...(i % 2 ? { role: 'support' } : {}) },
      subjectId: `customer-${i}`,
      activityId: 'back-office.customer-lookup',
      action: 'read',
      fields: canonicalFields(['contact.email', 'address.street']),
      prevHash,
    };
    const hash = hashRow(row);
    rows.push({ ...row, hash });
    prevHash = hash;
  }
  return rows;
}

/** Serves pages of stored rows the way PostgreSQL answers the verification's keyset query. */
function tableOf(rows: AuditRow[], counter = { calls: 0 }): AuditQuery {
  return (_sql, params) => {
    counter.calls += 1;
    const [after, limit] = params as [string, number];
    return Promise.resolve(
      rows
        .filter((r) => BigInt(r.seq) > BigInt(after))
        .sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1))
        .slice(0, limit)
        .map((r) => ({
          seq: r.seq,
          occurred_at: r.occurredAt.toISOString(),
          actor_type: r.actor.type,
          actor_id: r.actor.id,
          actor_role: r.actor.role ?? null,
          subject_id: r.subjectId,
          activity_id: r.activityId,
          action: r.action,
          fields: r.fields,
          prev_hash: r.prevHash,
          hash: r.hash,
        })),
    );
  };
}

describe('the audit chain', () => {
  it('hashes every part of a row: changing any one of them changes the hash', () => {
    const [row] = chain(1) as [AuditRow];
    const variants: Omit<AuditRow, 'hash'>[] = [
      { ...row, seq: '2' },
      { ...row, occurredAt: new Date(row.occurredAt.getTime() + 1) },
      { ...row, actor: { ...row.actor, type: 'partner' } },
      { ...row, actor: { ...row.actor, id: 'someone-else' } },
      { ...row, actor: { type: row.actor.type, id: row.actor.id } },
      { ...row, subjectId: 'customer-2' },
      { ...row, activityId: 'orders.fulfilment' },
      { ...row, action: 'export' },
      { ...row, fields: ['address.street'] },
      { ...row, fields: [...row.fields].reverse() },
      { ...row, prevHash: 'f'.repeat(64) },
    ];
    for (const variant of variants) expect(hashRow(variant)).not.toBe(row.hash);
  });

  it('serialises unambiguously: a value cannot imitate a field boundary', () => {
    const [row] = chain(1) as [AuditRow];
    const a = { ...row, subjectId: 'a","b', activityId: 'c' };
    const b = { ...row, subjectId: 'a', activityId: 'b","c' };
    expect(canonicalRow(a)).not.toBe(canonicalRow(b));
  });

  it('orders field names by code unit and drops duplicates, whatever order the caller used', () => {
    expect(canonicalFields(['b', 'a', 'B', 'a'])).toEqual(['B', 'a', 'b']);
  });

  it('verifies an intact chain and reports its head', async () => {
    const rows = chain(7);
    await expect(verifyAuditChain(tableOf(rows), { pageSize: 3 })).resolves.toEqual({
      valid: true,
      rows: 7,
      head: { seq: '7', hash: rows[6].hash },
    });
  });

  it('verifies an empty log as intact', async () => {
    await expect(verifyAuditChain(tableOf([]))).resolves.toEqual({ valid: true, rows: 0 });
  });

  it('reads the log a page at a time', async () => {
    const counter = { calls: 0 };
    await verifyAuditChain(tableOf(chain(10), counter), { pageSize: 4 });
    expect(counter.calls).toBe(3);
  });

  it('reports a changed row by its seq', async () => {
    const rows = chain(5);
    rows[2] = { ...rows[2], subjectId: 'customer-99' };
    const result = await verifyAuditChain(tableOf(rows), { pageSize: 2 });
    expect(result).toMatchObject({ valid: false, rows: 3, firstBroken: { seq: '3' } });
    expect(result.firstBroken?.problem).toMatch(/hash does not match.*changed/);
  });

  it('reports a row changed with its hash recomputed at the next row, whose prev_hash no longer matches', async () => {
    const rows = chain(5);
    const forged = { ...rows[2], subjectId: 'customer-99' };
    rows[2] = { ...forged, hash: hashRow(forged) };
    const result = await verifyAuditChain(tableOf(rows));
    expect(result.firstBroken?.seq).toBe('4');
    expect(result.firstBroken?.problem).toMatch(/prev_hash does not match the hash of seq 3/);
  });

  it('reports a deleted row as the missing seq', async () => {
    const rows = chain(5).filter((r) => r.seq !== '3');
    const result = await verifyAuditChain(tableOf(rows));
    expect(result.firstBroken?.seq).toBe('3');
    expect(result.firstBroken?.problem).toMatch(/seq 2 is followed by seq 4.*missing \(deleted\)/);
  });

  it('reports deleted first rows', async () => {
    const rows = chain(5).slice(2);
    const result = await verifyAuditChain(tableOf(rows));
    expect(result.firstBroken).toEqual({
      seq: '1',
      problem: 'the log starts at seq 3: row(s) 1 to 2 are missing (deleted)',
    });
  });

  it('reports a first row that does not start from the genesis hash', async () => {
    const [first] = chain(1) as [AuditRow];
    const forged = { ...first, prevHash: 'a'.repeat(64) };
    const result = await verifyAuditChain(tableOf([{ ...forged, hash: hashRow(forged) }]));
    expect(result.firstBroken).toEqual({
      seq: '1',
      problem: 'prev_hash of the first row is not the genesis hash',
    });
  });
});
