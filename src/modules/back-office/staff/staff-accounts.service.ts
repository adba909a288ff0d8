import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import type { StaffRole } from '../../../common/auth/auth.guards.js';
import { hashPassword, passwordProblem } from '../../../common/auth/passwords.js';
import { conflict, notFound, ValidationProblem } from '../../../common/problem/problem.js';
import { normaliseEmail } from '../../../common/subjects.js';
import { StaffAccount } from './staff-account.entity.js';

export interface NewStaffAccount {
  email: string;
  displayName: string;
  role: StaffRole;
  password: string;
}

export interface StaffAccountChange {
  role?: StaffRole;
  displayName?: string;
  active?: boolean;
}

const isUniqueViolation = (error: unknown, constraint: string): boolean =>
  error instanceof QueryFailedError &&
  (error.driverError as { code?: string; constraint?: string }).code === '23505' &&
  (error.driverError as { constraint?: string }).constraint === constraint;

/**
 * Creates a staff account through `manager` (the application's service and the `admin:create`
 * command share it): refuses a weak password and an email that is taken, stores the Argon2id hash.
 */
export async function createStaffAccount(
  manager: EntityManager,
  input: NewStaffAccount,
): Promise<StaffAccount> {
  const problem = passwordProblem(input.password);
  if (problem) throw new ValidationProblem([{ field: 'password', reason: problem }]);
  const repository = manager.getRepository(StaffAccount);
  const account = repository.create({
    email: input.email.trim(),
    emailNormalized: normaliseEmail(input.email),
    displayName: input.displayName.trim(),
    role: input.role,
    passwordHash: await hashPassword(input.password),
    active: true,
    lastLoginAt: null,
    deactivatedAt: null,
  });
  try {
    return await repository.save(account);
  } catch (error) {
    if (isUniqueViolation(error, 'staff_account_email_normalized'))
      throw conflict('staff-email-taken', 'A staff account with this email address exists already.');
    throw error;
  }
}

/** Serialises changes that could leave the shop without an active administrator. */
export const LAST_ADMIN_LOCK = '7301914101';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The rules of staff accounts: who may exist, with which role, and that an administrator remains. */
@Injectable()
export class StaffAccounts {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  create(input: NewStaffAccount): Promise<StaffAccount> {
    return createStaffAccount(this.dataSource.manager, input);
  }

  list(): Promise<StaffAccount[]> {
    return this.dataSource.getRepository(StaffAccount).find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async get(id: string): Promise<StaffAccount> {
    const account = await this.dataSource.getRepository(StaffAccount).findOneBy({ id });
    if (!account) throw notFound('Staff account');
    return account;
  }

  /**
   * Changes role, name or active state in one transaction. The shop always keeps one active
   * administrator: demoting or deactivating the last one is refused (409), also when two
   * administrators try to remove each other at the same moment (the changes are serialised).
   */
  async update(id: string, change: StaffAccountChange): Promise<StaffAccount> {
    if (change.role === undefined && change.displayName === undefined && change.active === undefined)
      throw new ValidationProblem([{ field: 'body', reason: 'must change role, displayName or active' }]);
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`select pg_advisory_xact_lock(${LAST_ADMIN_LOCK})`);
      const repository = manager.getRepository(StaffAccount);
      const account = await repository.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!account) throw notFound('Staff account');

      const losesAdmin =
        account.active &&
        account.role === 'admin' &&
        ((change.role !== undefined && change.role !== 'admin') || change.active === false);
      if (losesAdmin && (await this.activeAdmins(manager)) <= 1)
        throw conflict(
          'last-admin',
          'This is the last active administrator: make another account administrator first.',
        );
      if (change.active === true && !account.active && account.emailNormalized === null)
        throw conflict(
          'staff-account-anonymised',
          'This account was anonymised and cannot be reactivated; create a new account.',
        );

      if (change.role !== undefined) account.role = change.role;
      if (change.displayName !== undefined) {
        if (account.emailNormalized === null)
          throw conflict('staff-account-anonymised', 'This account was anonymised and cannot be changed.');
        account.displayName = change.displayName.trim();
      }
      if (change.active !== undefined && change.active !== account.active) {
        account.active = change.active;
        account.deactivatedAt = change.active ? null : new Date();
      }
      return repository.save(account);
    });
  }

  /** The number of active administrators, read under the last-admin lock. */
  async activeAdmins(manager: EntityManager = this.dataSource.manager): Promise<number> {
    const rows: { n: number }[] = await manager.query(
      `select count(*)::int as n from staff_account where role = 'admin' and active`,
    );
    return rows[0].n;
  }

  /** Whether the account may still act with `role` (active, and the role unchanged since sign-in). */
  async isCurrent(id: string, role: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    const rows: unknown[] = await this.dataSource.query(
      `select 1 from staff_account where id = $1 and active and role = $2`,
      [id, role],
    );
    return rows.length > 0;
  }
}
