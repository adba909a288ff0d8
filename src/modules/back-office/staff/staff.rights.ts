import { Injectable } from '@nestjs/common';
import type {
  BlockedRecord,
  ErasureContext,
  ErasureOutcome,
  ExportSection,
  PersonalDataEraser,
  PersonalDataExporter,
} from '@app/privacy';
import type { EntityManager } from 'typeorm';
import { STAFF_ACCOUNTS } from '../back-office.declarations.js';
import { LAST_ADMIN_LOCK } from './staff-accounts.service.js';

export const STAFF_RECORD_TYPE = 'staff_account';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The staff account id of a `staff:<uuid>` subject, or undefined for anyone else. */
function staffIdOf(subjectId: string): string | undefined {
  const id = subjectId.startsWith('staff:') ? subjectId.slice('staff:'.length) : undefined;
  return id && UUID.test(id) ? id : undefined;
}

interface StaffRow {
  id: string;
  email: string | null;
  display_name: string | null;
  role: string;
  active: boolean;
  has_password: boolean;
  created_at: Date;
  last_login_at: Date | null;
  deactivated_at: Date | null;
}

const ANONYMISE = `email = null, email_normalized = null, password_hash = null, display_name = null,
  active = false, deactivated_at = coalesce(deactivated_at, now()), updated_at = now()`;

/**
 * Art. 15/20 and 17 for employees (subject `staff:<id>`). Erasure anonymises the account instead of
 * deleting the row: the access audit log names the account id as the actor of past reads, and the
 * row keeps saying which role that actor had; with email, name and password hash gone it no longer
 * identifies anyone from this table.
 */
@Injectable()
export class StaffRights implements PersonalDataExporter, PersonalDataEraser {
  readonly name = 'staff-accounts';

  async export(subjectId: string, manager: EntityManager): Promise<ExportSection> {
    const id = staffIdOf(subjectId);
    if (!id) return { activities: [], categories: [], records: [] };
    const rows: StaffRow[] = await manager.query(
      `select id, email, display_name, role, active, password_hash is not null as has_password,
              created_at, last_login_at, deactivated_at
         from staff_account where id = $1`,
      [id],
    );
    if (rows.length === 0) return { activities: [], categories: [], records: [] };
    return {
      activities: [STAFF_ACCOUNTS.id],
      categories: STAFF_ACCOUNTS.dataCategories.map((c) => c.id),
      records: rows.map((r) => ({
        recordType: STAFF_RECORD_TYPE,
        recordId: r.id,
        activityId: STAFF_ACCOUNTS.id,
        data: {
          email: r.email,
          displayName: r.display_name,
          role: r.role,
          active: r.active,
          // The hash is held, but a copy of it would let anyone who gets the export attack the password offline.
          passwordHash: r.has_password
            ? 'held as an Argon2id hash; not reproduced, for the security of the account'
            : null,
          createdAt: r.created_at.toISOString(),
          lastLoginAt: r.last_login_at?.toISOString() ?? null,
          deactivatedAt: r.deactivated_at?.toISOString() ?? null,
        },
      })),
    };
  }

  async erase(subjectId: string, context: ErasureContext): Promise<ErasureOutcome[]> {
    const id = staffIdOf(subjectId);
    if (!id) return [];
    const { manager } = context;
    await manager.query(`select pg_advisory_xact_lock(${LAST_ADMIN_LOCK})`);
    const rows: { id: string; role: string; active: boolean; created_at: Date }[] = await manager.query(
      `select id, role, active, created_at from staff_account where id = $1 for update`,
      [id],
    );
    const account = rows[0];
    if (!account) return [];
    const holdId = context.heldBy({
      activityId: STAFF_ACCOUNTS.id,
      recordType: STAFF_RECORD_TYPE,
      recordId: id,
      occurredAt: account.created_at,
    });
    if (holdId)
      return [
        {
          recordType: STAFF_RECORD_TYPE,
          recordId: id,
          outcome: 'held',
          activityId: STAFF_ACCOUNTS.id,
          holdId,
          recordDate: account.created_at,
        },
      ];
    if (account.active && account.role === 'admin') {
      const [{ n }] = await manager.query<{ n: number }[]>(
        `select count(*)::int as n from staff_account where role = 'admin' and active and id <> $1`,
        [id],
      );
      // Failing leaves nothing half-done; the privacy officer appoints another administrator and runs it again.
      if (n === 0)
        throw new Error(
          'the last active administrator cannot be erased: make another account administrator first',
        );
    }
    await manager.query(`update staff_account set ${ANONYMISE} where id = $1`, [id]);
    return [{ recordType: STAFF_RECORD_TYPE, recordId: id, outcome: 'anonymised' }];
  }

  /** Records kept under a legal hold at erasure time are anonymised once the sweep finds them free. */
  async eraseBlocked(records: readonly BlockedRecord[], manager: EntityManager): Promise<void> {
    const ids = records.filter((r) => r.recordType === STAFF_RECORD_TYPE).map((r) => r.recordId);
    if (ids.length === 0) return;
    await manager.query(`update staff_account set ${ANONYMISE} where id = any($1::uuid[])`, [ids]);
  }
}
