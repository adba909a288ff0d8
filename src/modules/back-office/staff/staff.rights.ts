import { declareRecords } from '@app/privacy';
import type { EntityManager } from 'typeorm';
import { STAFF_ACCOUNT_RETENTION_DAYS, STAFF_ACCOUNTS } from '../back-office.declarations.js';
import { LAST_ADMIN_LOCK } from './staff-accounts.service.js';

export const STAFF_RECORD_TYPE = 'staff_account';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The staff account id of a `staff:<uuid>` subject, or undefined for anyone else. */
function staffIdOf(subjectId: string): string | undefined {
  const id = subjectId.startsWith('staff:') ? subjectId.slice('staff:'.length) : undefined;
  return id && UUID.test(id) ? id : undefined;
}

const iso = (d: unknown): string | null => (d instanceof Date ? d.toISOString() : null);

/** Refuses to erase the last active administrator (under LAST_ADMIN_LOCK, taken by `lock`). */
async function keepAnAdministrator(ids: readonly string[], manager: EntityManager): Promise<void> {
  const [{ refused }] = await manager.query<{ refused: boolean }[]>(
    `select exists (select 1 from staff_account where id = any($1::uuid[]) and active and role = 'admin')
        and not exists (select 1 from staff_account where role = 'admin' and active and id <> all($1::uuid[]))
        as refused`,
    [ids],
  );
  // Failing leaves nothing half-done; the privacy officer appoints another administrator and runs it again.
  if (refused)
    throw new Error(
      'the last active administrator cannot be erased: make another account administrator first',
    );
}

/**
 * Art. 15/20 and 17 for employees (subject `staff:<id>`). Erasure anonymises the account instead of
 * deleting the row: the access audit log names the account id as the actor of past reads, and the
 * row keeps saying which role that actor had; with email, name and password hash gone it no longer
 * identifies anyone from this table. Former staff: email, name and password hash go
 * STAFF_ACCOUNT_RETENTION_DAYS after deactivation; id and role stay.
 */
export const STAFF_RECORDS = declareRecords({
  name: 'staff-accounts',
  lock: async (subjectId, manager) => {
    if (staffIdOf(subjectId)) await manager.query(`select pg_advisory_xact_lock(${LAST_ADMIN_LOCK})`);
  },
  records: [
    {
      recordType: STAFF_RECORD_TYPE,
      activityId: STAFF_ACCOUNTS.id,
      table: 'staff_account',
      subjectColumn: 'id',
      subjectType: 'uuid',
      subjectValue: staffIdOf,
      dateColumn: 'created_at',
      onErasure: {
        anonymise: {
          email: 'null',
          email_normalized: 'null',
          password_hash: 'null',
          display_name: 'null',
          active: 'false',
          deactivated_at: 'coalesce(deactivated_at, now())',
          updated_at: 'now()',
        },
      },
      beforeErase: keepAnAdministrator,
      export: {
        columns: ['email', 'display_name', 'role', 'active', 'created_at', 'last_login_at', 'deactivated_at'],
        computed: { has_password: 'password_hash is not null' },
        categories: STAFF_ACCOUNTS.dataCategories.map((c) => c.id),
        toData: (r) => ({
          email: r.email as string | null,
          displayName: r.display_name as string | null,
          role: r.role as string,
          active: r.active as boolean,
          // The hash is held, but a copy of it would let anyone who gets the export attack the password offline.
          passwordHash: r.has_password
            ? 'held as an Argon2id hash; not reproduced, for the security of the account'
            : null,
          createdAt: iso(r.created_at),
          lastLoginAt: iso(r.last_login_at),
          deactivatedAt: iso(r.deactivated_at),
        }),
      },
      retention: {
        id: 'staff-accounts.former-staff',
        afterDays: STAFF_ACCOUNT_RETENTION_DAYS,
        dateColumn: 'deactivated_at',
        subjectColumn: 'subject_id',
        anonymise: ['email', 'email_normalized', 'password_hash', 'display_name'],
      },
    },
  ],
});
