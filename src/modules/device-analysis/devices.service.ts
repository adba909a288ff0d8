import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActorContext } from '@app/privacy';
import { ConflictError, NotFoundError } from '@app/core';
import { DataSource, QueryFailedError } from 'typeorm';
import { Partners } from '../partners/index.js';
import { PRACTICE_RECIPIENT_ID } from './device-analysis.declarations.js';
import {
  generateDeviceCredential,
  hashDeviceCredential,
  looksLikeDeviceCredential,
} from './device-credentials.js';

export interface PracticeRecord {
  id: string;
  name: string;
  active: boolean;
  createdAt: string;
}

export interface DeviceRecord {
  id: string;
  practiceId: string;
  serialNumber: string;
  createdAt: string;
}

export interface CredentialRecord {
  id: string;
  deviceId: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A new credential: the record and the secret itself, which exists only in this answer. */
export interface IssuedCredential extends CredentialRecord {
  credential: string;
}

/** Who a valid device credential speaks for; set on the request by DeviceAuthGuard. */
export interface DevicePrincipal {
  deviceId: string;
  practiceId: string;
  credentialId: string;
}

interface DeviceRow {
  id: string;
  practice_id: string;
  serial_number: string;
  created_at: Date;
}

interface CredentialRow {
  id: string;
  device_id: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const toDevice = (r: DeviceRow): DeviceRecord => ({
  id: r.id,
  practiceId: r.practice_id,
  serialNumber: r.serial_number,
  createdAt: r.created_at.toISOString(),
});
const toCredential = (r: CredentialRow): CredentialRecord => ({
  id: r.id,
  deviceId: r.device_id,
  prefix: r.prefix,
  createdAt: r.created_at.toISOString(),
  lastUsedAt: iso(r.last_used_at),
  revokedAt: iso(r.revoked_at),
});

const actorRef = (): string => {
  const actor = ActorContext.currentOrSystem();
  return `${actor.type}:${actor.id}`;
};

/** Write `last_used_at` at most this often per credential. */
const LAST_USED_RESOLUTION_SECONDS = 60;

const CREDENTIAL_COLUMNS = 'id, device_id, prefix, created_at, last_used_at, revoked_at';

/**
 * Practices (partners of kind `practice`, kept by the partners module) and their devices, each with
 * its own credentials: 256 random bits, shown once, stored as a SHA-256 hash, revocable, and scoped
 * to one device (the device's practice is what it may read).
 */
@Injectable()
export class Devices {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly partners: Partners,
  ) {}

  async registerPractice(input: {
    name: string;
    contactName?: string | null;
    contactEmail?: string | null;
  }): Promise<PracticeRecord> {
    const partner = await this.partners.create({
      ...input,
      kind: 'practice',
      recipientId: PRACTICE_RECIPIENT_ID,
    });
    return {
      id: partner.id,
      name: partner.name,
      active: partner.active,
      createdAt: partner.createdAt.toISOString(),
    };
  }

  async listPractices(): Promise<PracticeRecord[]> {
    return (await this.partners.list())
      .filter((p) => p.kind === 'practice')
      .map((p) => ({ id: p.id, name: p.name, active: p.active, createdAt: p.createdAt.toISOString() }));
  }

  async registerDevice(practiceId: string, serialNumber: string): Promise<DeviceRecord> {
    await this.practice(practiceId);
    try {
      const [row] = await this.dataSource.query<DeviceRow[]>(
        `insert into device (practice_id, serial_number, created_by) values ($1, $2, $3)
         returning id, practice_id, serial_number, created_at`,
        [practiceId, serialNumber, actorRef()],
      );
      return toDevice(row);
    } catch (error) {
      if (
        error instanceof QueryFailedError &&
        (error.driverError as { code?: string; constraint?: string }).constraint === 'device_serial'
      )
        throw new ConflictError(
          'device-serial-taken',
          'A device with this serial number is registered already.',
        );
      throw error;
    }
  }

  async listDevices(practiceId: string): Promise<DeviceRecord[]> {
    await this.practice(practiceId);
    const rows = await this.dataSource.query<DeviceRow[]>(
      `select id, practice_id, serial_number, created_at from device where practice_id = $1
        order by created_at, id`,
      [practiceId],
    );
    return rows.map(toDevice);
  }

  /** Issues a credential for the device; the answer is the only place the secret ever appears. */
  async issueCredential(deviceId: string): Promise<IssuedCredential> {
    const device = await this.device(deviceId);
    const practice = await this.practice(device.practice_id);
    if (!practice.active)
      throw new ConflictError('practice-inactive', 'The practice is deactivated: reactivate it first.');
    const { credential, prefix, hash } = generateDeviceCredential();
    const [row] = await this.dataSource.query<CredentialRow[]>(
      `insert into device_credential (device_id, prefix, secret_hash, created_by) values ($1, $2, $3, $4)
       returning ${CREDENTIAL_COLUMNS}`,
      [deviceId, prefix, hash, actorRef()],
    );
    return { ...toCredential(row), credential };
  }

  async listCredentials(deviceId: string): Promise<CredentialRecord[]> {
    await this.device(deviceId);
    const rows = await this.dataSource.query<CredentialRow[]>(
      `select ${CREDENTIAL_COLUMNS} from device_credential where device_id = $1 order by created_at, id`,
      [deviceId],
    );
    return rows.map(toCredential);
  }

  /** Revokes at once and for good; repeating it changes nothing. */
  async revokeCredential(deviceId: string, credentialId: string): Promise<CredentialRecord> {
    const [rows] = await this.dataSource.query<[CredentialRow[], number]>(
      `update device_credential set revoked_at = coalesce(revoked_at, now()),
              revoked_by = coalesce(revoked_by, $3)
        where id = $1 and device_id = $2 returning ${CREDENTIAL_COLUMNS}`,
      [credentialId, deviceId, actorRef()],
    );
    if (!rows[0]) throw new NotFoundError('Credential');
    return toCredential(rows[0]);
  }

  /** The device a presented credential belongs to, or null (unknown, revoked, inactive practice). */
  async authenticate(presented: string): Promise<DevicePrincipal | null> {
    if (!looksLikeDeviceCredential(presented)) return null;
    const [row] = await this.dataSource.query<{ id: string; device_id: string; practice_id: string }[]>(
      `with found as (
         select c.id, c.device_id, d.practice_id
           from device_credential c join device d on d.id = c.device_id
          where c.secret_hash = $1 and c.revoked_at is null
       ), touched as (
         update device_credential set last_used_at = now()
          where id = (select id from found)
            and (last_used_at is null or last_used_at < now() - make_interval(secs => $2))
       )
       select id, device_id, practice_id from found`,
      [hashDeviceCredential(presented), LAST_USED_RESOLUTION_SECONDS],
    );
    if (!row) return null;
    const practice = await this.partners.get(row.practice_id).catch(() => null);
    if (!practice || practice.kind !== 'practice' || !practice.active) return null;
    return { deviceId: row.device_id, practiceId: row.practice_id, credentialId: row.id };
  }

  private async practice(practiceId: string) {
    const partner = await this.partners.get(practiceId).catch(() => null);
    if (!partner || partner.kind !== 'practice') throw new NotFoundError('Practice');
    return partner;
  }

  private async device(deviceId: string): Promise<DeviceRow> {
    const [row] = await this.dataSource.query<DeviceRow[]>(
      'select id, practice_id, serial_number, created_at from device where id = $1',
      [deviceId],
    );
    if (!row) throw new NotFoundError('Device');
    return row;
  }
}
