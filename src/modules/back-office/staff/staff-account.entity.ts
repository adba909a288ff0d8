import { PersonalData } from '@app/privacy';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { StaffRole } from '../../../common/auth/auth.guards.js';

/**
 * A back-office employee's account. Email, name and password hash become null when the account is
 * anonymised (erasure, or three years after deactivation); the row stays so that the audit log's
 * actor ids keep pointing at an account with its role.
 */
@Entity({ name: 'staff_account' })
export class StaffAccount {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @PersonalData('staff.email')
  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @PersonalData('staff.email')
  @Column({ name: 'email_normalized', type: 'text', nullable: true })
  emailNormalized!: string | null;

  @PersonalData('staff.password-hash')
  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash!: string | null;

  @PersonalData('staff.name')
  @Column({ name: 'display_name', type: 'text', nullable: true })
  displayName!: string | null;

  @PersonalData('staff.role')
  @Column({ type: 'text' })
  role!: StaffRole;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @PersonalData('staff.login-activity')
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @PersonalData('staff.login-activity')
  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt!: Date | null;

  @PersonalData('staff.login-activity')
  @Column({ name: 'deactivated_at', type: 'timestamptz', nullable: true })
  deactivatedAt!: Date | null;
}

/** A staff account as the admin routes answer it (never the password hash). */
export interface StaffAccountRecord {
  id: string;
  email: string | null;
  displayName: string | null;
  role: StaffRole;
  active: boolean;
  createdAt: Date;
  lastLoginAt: Date | null;
  deactivatedAt: Date | null;
}

export const toStaffRecord = (a: StaffAccount): StaffAccountRecord => ({
  id: a.id,
  email: a.email,
  displayName: a.displayName,
  role: a.role,
  active: a.active,
  createdAt: a.createdAt,
  lastLoginAt: a.lastLoginAt,
  deactivatedAt: a.deactivatedAt,
});

/** The data-subject id of an employee (audit and rights), never the email. */
export const staffSubject = (staffId: string): string => `staff:${staffId}`;
