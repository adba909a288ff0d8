import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ConsentLedger } from '@app/privacy';
import { DataSource } from 'typeorm';
import { hashPassword } from '../../common/auth/passwords.js';
import { customerSubject, normaliseEmail } from '../../common/subjects.js';
import { RateLimiter } from '../../common/throttle/rate-limiter.js';
import { AppConfig } from '../../config/app-config.js';
import { NotificationOutbox } from '../notifications/index.js';
import type { Client } from './client.js';
import { Customer } from './customer.entity.js';
import type {
  RegisterCustomerDto,
  RegistrationAcceptedDto,
  RegistrationFieldsDto,
} from './dto/register-customer.dto.js';
import {
  MARKETING_EMAIL,
  MARKETING_EMAIL_PURPOSE,
  MARKETING_EMAIL_WORDING,
  REGISTRATION,
  REGISTRATION_CATEGORIES,
  REGISTRATION_FORM,
} from './registration.declarations.js';
import { NOTICES } from './registration.notices.js';

/** The one answer to every well-formed registration, new address or not. */
export const REGISTRATION_ACCEPTED: RegistrationAcceptedDto = {
  status: 'accepted',
  message: 'Thank you. We have sent an email to the address you gave; it tells you how to continue.',
};

/**
 * Opens customer accounts (Art. 6(1)(b)). The answer never tells a stranger whether an address
 * already has an account: a new address gets an account and a welcome notice, a known one gets an
 * "already registered" notice sent to its owner, and both answer REGISTRATION_ACCEPTED after the
 * same work (the password is hashed either way).
 */
@Injectable()
export class RegistrationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly consent: ConsentLedger,
    private readonly outbox: NotificationOutbox,
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
  ) {}

  async register(dto: RegisterCustomerDto, client: Client): Promise<RegistrationAcceptedDto> {
    await this.limiter.enforce(
      {
        scope: 'registration:client',
        key: client.ip,
        max: this.config.REGISTRATION_MAX_PER_CLIENT,
        windowSeconds: this.config.REGISTRATION_WINDOW_SECONDS,
      },
      'Too many registrations from your network. Try again later.',
    );
    const passwordHash = await hashPassword(dto.password);
    const emailNormalized = normaliseEmail(dto.email);

    await this.dataSource.transaction(async (manager) => {
      // ON CONFLICT DO NOTHING: a concurrent registration of the same address waits for the other
      // transaction and then inserts nothing, instead of failing.
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(Customer)
        .values({
          email: dto.email,
          emailNormalized,
          passwordHash,
          firstName: dto.firstName,
          lastName: dto.lastName,
          phone: dto.phone ?? null,
          dateOfBirth: dto.dateOfBirth ?? null,
          company: dto.company ?? null,
        })
        .orIgnore()
        .returning(['id'])
        .execute();
      const createdId = (inserted.raw as { id: string }[])[0]?.id;

      if (createdId) {
        if (dto.marketingOptIn === true) {
          await this.consent.grant(
            {
              subjectId: customerSubject(createdId),
              purpose: MARKETING_EMAIL_PURPOSE,
              wording: MARKETING_EMAIL_WORDING,
              channel: 'registration',
              evidence: { requestId: client.requestId },
            },
            manager,
          );
        }
        await this.outbox.notify(
          { template: NOTICES.welcome, recipient: { kind: 'customer', id: createdId } },
          manager,
        );
        return;
      }
      // The address has an account: its owner is told (maybe it was them, maybe someone else);
      // nothing of this request is stored, and a stranger's opt-in never becomes anyone's consent.
      const existing = await manager.findOne(Customer, { where: { emailNormalized }, select: { id: true } });
      if (existing) {
        await this.outbox.notify(
          { template: NOTICES.alreadyRegistered, recipient: { kind: 'customer', id: existing.id } },
          manager,
        );
      }
    });
    return REGISTRATION_ACCEPTED;
  }

  /** Which fields are mandatory, which voluntary, and why each is asked (from the declaration). */
  fields(): RegistrationFieldsDto {
    return {
      activity: REGISTRATION.id,
      legalBasis: REGISTRATION.legalBasis,
      purposes: [...REGISTRATION.purposes],
      fields: REGISTRATION_FORM.map(({ field, category }) => {
        const c = REGISTRATION_CATEGORIES[category];
        return {
          field,
          required: c.collection === 'mandatory',
          collection: c.collection,
          category: c.id,
          reason: 'reason' in c ? c.reason : c.description,
        };
      }),
      consents: [
        {
          field: 'marketingOptIn',
          purpose: MARKETING_EMAIL_PURPOSE,
          required: false,
          legalBasis: MARKETING_EMAIL.legalBasis,
          wordingVersion: MARKETING_EMAIL_WORDING.version,
          wording: MARKETING_EMAIL_WORDING.text,
        },
      ],
    };
  }
}
