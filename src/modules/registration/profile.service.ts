import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UnitOfWork } from '@app/core';
import { AuditLog, ProcessingGuard, RightsRegistry } from '@app/privacy';
import { DataSource, Not, type EntityManager } from 'typeorm';
import { hashPassword, verifyPassword } from '../../common/auth/passwords.js';
import { unauthorized } from '../../common/auth/token.service.js';
import { conflict, ValidationProblem } from '../../common/problem/problem.js';
import { customerSubject, normaliseEmail } from '../../common/subjects.js';
import { RateLimiter } from '../../common/throttle/rate-limiter.js';
import { NotificationOutbox } from '../notifications/index.js';
import { CustomerAuth } from './customer-auth.service.js';
import { CustomerSessions } from './customer-sessions.js';
import { Customer } from './customer.entity.js';
import type { ChangePasswordDto, ProfileDto, UpdateProfileDto } from './dto/profile.dto.js';
import { REGISTRATION } from './registration.declarations.js';
import { CUSTOMER_RECIPIENT, NOTICES } from './registration.notices.js';

type Rectifiable = 'email' | 'firstName' | 'lastName' | 'phone' | 'dateOfBirth' | 'company';
const RECTIFIABLE: readonly Rectifiable[] = [
  'email',
  'firstName',
  'lastName',
  'phone',
  'dateOfBirth',
  'company',
];

/** Changing the address answers whether another account has it: bounded, so it is no lookup service. */
const EMAIL_CHANGES_PER_HOUR = 10;

export const toProfile = (c: Customer): ProfileDto => ({
  id: c.id,
  email: c.email,
  firstName: c.firstName,
  lastName: c.lastName,
  phone: c.phone,
  dateOfBirth: c.dateOfBirth,
  company: c.company,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});

const isUniqueViolation = (e: unknown): boolean =>
  (e as { driverError?: { code?: string } } | null)?.driverError?.code === '23505';

const emailTaken = () =>
  conflict('email-taken', 'Another account uses this email address. Choose another one.');

/**
 * The customer's own profile: reading it, rectifying it (Art. 16) and changing the password. Every
 * change is checked against the registry (a restricted person's data is not changed, Art. 18),
 * written in one transaction, and recorded in the audit log with the names of the changed fields.
 */
@Injectable()
export class ProfileService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly guard: ProcessingGuard,
    private readonly audit: AuditLog,
    private readonly outbox: NotificationOutbox,
    private readonly sessions: CustomerSessions,
    private readonly auth: CustomerAuth,
    private readonly limiter: RateLimiter,
    private readonly uow: UnitOfWork,
    private readonly rights: RightsRegistry,
  ) {}

  async get(customerId: string): Promise<ProfileDto> {
    const customer = await this.dataSource.manager.findOneBy(Customer, { id: customerId });
    // The session guard has checked the account exists; it may have been erased since.
    if (!customer) throw unauthorized('The account no longer exists.');
    return toProfile(customer);
  }

  async update(customerId: string, dto: UpdateProfileDto): Promise<ProfileDto> {
    const subjectId = customerSubject(customerId);
    if (dto.email !== undefined) {
      const current = await this.dataSource.manager.findOne(Customer, {
        where: { id: customerId },
        select: { id: true, emailNormalized: true },
      });
      if (current && current.emailNormalized !== normaliseEmail(dto.email)) {
        await this.limiter.enforce(
          {
            scope: 'profile:email-change',
            key: customerId,
            max: EMAIL_CHANGES_PER_HOUR,
            windowSeconds: 3600,
          },
          'Too many changes of the email address. Try again later.',
        );
      }
    }
    try {
      return await this.uow.transaction(async (manager) => {
        // The person's own rectification: a restriction (Art. 18(1)(a)) waits for exactly this.
        await this.guard.assertMayProcess(REGISTRATION.id, subjectId, { manager, bySubjectsRequest: true });
        const customer = await this.locked(manager, customerId);
        const changed: Rectifiable[] = [];
        for (const field of RECTIFIABLE) {
          const value = dto[field];
          if (value === undefined || value === customer[field]) continue;
          changed.push(field);
        }
        if (changed.length === 0) return toProfile(customer);

        let addressChanged = false;
        if (changed.includes('email') && dto.email !== undefined) {
          const emailNormalized = normaliseEmail(dto.email);
          addressChanged = emailNormalized !== customer.emailNormalized;
          if (addressChanged) {
            const other = await manager.exists(Customer, { where: { emailNormalized, id: Not(customerId) } });
            if (other) throw emailTaken();
            customer.emailNormalized = emailNormalized;
          }
        }
        for (const field of changed) this.assign(customer, field, dto);
        const saved = await manager.save(customer);
        // Recorded before the commit: a change is never without its audit entry.
        await this.audit.append({
          subjectId,
          activityId: REGISTRATION.id,
          action: 'rectify',
          fields: changed,
        });
        // Art. 19: the recipients that received the data are told, in this transaction.
        await this.rights.rectified({ subjectId, activityId: REGISTRATION.id, fields: changed });
        if (addressChanged) {
          await this.outbox.notify(
            { template: NOTICES.emailChanged, recipient: { kind: CUSTOMER_RECIPIENT, id: customerId } },
            manager,
          );
        }
        return toProfile(saved);
      });
    } catch (e) {
      // Two accounts changing to the same address at once: the unique index decides.
      if (isUniqueViolation(e)) throw emailTaken();
      throw e;
    }
  }

  /**
   * Changes the password after checking the current one (failures count like failed sign-ins);
   * every other session ends, and the owner is told by email.
   */
  async changePassword(
    customerId: string,
    sessionId: string | undefined,
    dto: ChangePasswordDto,
  ): Promise<void> {
    const subjectId = customerSubject(customerId);
    const limit = this.auth.accountLimit(customerId, 'password-change:account');
    await this.limiter.enforce(limit, 'Too many wrong passwords. Try again later.');
    const customer = await this.dataSource.manager.findOne(Customer, {
      where: { id: customerId },
      select: { id: true, passwordHash: true },
    });
    if (!customer) throw unauthorized('The account no longer exists.');
    if (!(await verifyPassword(customer.passwordHash, dto.currentPassword))) {
      throw new ValidationProblem([{ field: 'currentPassword', reason: 'is not your current password' }]);
    }
    if (dto.newPassword === dto.currentPassword) {
      throw new ValidationProblem([
        { field: 'newPassword', reason: 'must differ from the current password' },
      ]);
    }
    await this.limiter.reset(limit.scope, limit.key);
    const passwordHash = await hashPassword(dto.newPassword);
    await this.dataSource.transaction(async (manager) => {
      await this.guard.assertMayProcess(REGISTRATION.id, subjectId, { manager });
      await manager.update(Customer, { id: customerId }, { passwordHash });
      await this.sessions.endOthers(manager, customerId, sessionId, 'password-changed');
      await this.audit.append({
        subjectId,
        activityId: REGISTRATION.id,
        action: 'rectify',
        fields: ['password'],
      });
      await this.outbox.notify(
        { template: NOTICES.passwordChanged, recipient: { kind: CUSTOMER_RECIPIENT, id: customerId } },
        manager,
      );
    });
  }

  private async locked(manager: EntityManager, customerId: string): Promise<Customer> {
    const customer = await manager.findOne(Customer, {
      where: { id: customerId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!customer) throw unauthorized('The account no longer exists.');
    return customer;
  }

  private assign(customer: Customer, field: Rectifiable, dto: UpdateProfileDto): void {
    switch (field) {
      case 'email':
      case 'firstName':
      case 'lastName':
        customer[field] = dto[field] as string;
        return;
      case 'phone':
      case 'dateOfBirth':
      case 'company':
        customer[field] = dto[field] ?? null;
        return;
    }
  }
}
