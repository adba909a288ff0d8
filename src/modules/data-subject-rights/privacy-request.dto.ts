import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsDateString,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { REFUSAL_REASONS, type RefusalReason } from './data-subject-rights.notices.js';

export const REQUEST_TYPES = [
  'access',
  'portability',
  'erasure',
  'restriction',
  'objection',
  'consent-withdrawal',
] as const;
/** Besides what a person asks for: lifting a restriction (staff), and a rectification made elsewhere (Art. 19 notices). */
export type RequestType = (typeof REQUEST_TYPES)[number] | 'lift-restriction' | 'rectification';

export const LANGS = ['de', 'en'] as const;
export type Lang = (typeof LANGS)[number];

const ACTIVITY_ID = /^[a-z][a-z0-9-]{1,63}$/;
/** As the device prints it (the device-analysis module's reference format). */
const RECEIPT_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9-]{5,63}$/;

export class PrivacyRequestDto {
  @ApiProperty({
    enum: REQUEST_TYPES,
    description:
      'access (Art. 15): the answer with a copy of the data; portability (Art. 20): the data as a ZIP of JSON and CSV; ' +
      'erasure (Art. 17, confirmed by a second code); restriction (Art. 18), of everything or of one activity; ' +
      'objection (Art. 21) to one activity based on legitimate interests, or to all of them. ' +
      'Rectification (Art. 16) is PATCH /api/v1/shop/me.',
  })
  @IsIn(REQUEST_TYPES)
  type!: (typeof REQUEST_TYPES)[number];

  @ApiPropertyOptional({
    description:
      'Without an account: the email address you used with the shop (orders, inquiries). A one-time code is sent ' +
      'there; nothing is disclosed or changed before it is entered. Omit when signed in.',
    example: 'erika@example.org',
  })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({
    description:
      'Without an account, instead of `email`: the reference printed on the receipt of a device analysis. A ' +
      'one-time code goes to the address given with the analysis; without one, staff check your identity. Either ' +
      'way the answer is the same, and nothing is disclosed or changed before.',
    example: 'DV-7K2M-9QX4',
  })
  @ValidateIf((r: PrivacyRequestDto) => r.receiptReference !== undefined)
  @IsString()
  @Matches(RECEIPT_REFERENCE, { message: 'receiptReference must be the reference printed on the receipt' })
  receiptReference?: string;

  @ApiPropertyOptional({
    description:
      'For an objection or a restriction: the activity concerned (see the Art. 30 record); omit for all.',
    example: 'credit-check',
  })
  @ValidateIf((r: PrivacyRequestDto) => r.activity !== undefined)
  @IsString()
  @Matches(ACTIVITY_ID, { message: 'activity must be an activity id such as credit-check' })
  activity?: string;

  @ApiPropertyOptional({
    description: 'For a consent withdrawal (Art. 7(3)): the consent purpose, e.g. carrier-notifications',
    example: 'carrier-notifications',
  })
  @ValidateIf((r: PrivacyRequestDto) => r.type === 'consent-withdrawal' || r.purpose !== undefined)
  @IsString()
  @Matches(ACTIVITY_ID, { message: 'purpose must be a consent purpose such as carrier-notifications' })
  purpose?: string;

  @ApiPropertyOptional({
    description: 'For a restriction: why (e.g. the accuracy is contested).',
    maxLength: 500,
  })
  @IsOptional()
  @IsString()
  @Length(3, 500)
  reason?: string;

  @ApiPropertyOptional({ enum: LANGS, description: 'Language of the messages and answers (default de).' })
  @IsOptional()
  @IsIn(LANGS)
  lang?: Lang;
}

export class CodeDto {
  @ApiProperty({ description: 'The six-digit code from the email', example: '123456' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be six digits' })
  code!: string;
}

export const STAFF_CHANNELS = ['letter', 'phone', 'staff-email'] as const;
export type StaffChannel = (typeof STAFF_CHANNELS)[number];

export class StaffRecordedRequestDto extends PrivacyRequestDto {
  @ApiProperty({ enum: STAFF_CHANNELS, description: 'How the request reached the shop' })
  @IsIn(STAFF_CHANNELS)
  receivedVia!: StaffChannel;

  @ApiProperty({ description: 'When it arrived (the deadline runs from then)', example: '2026-12-01' })
  @IsDateString()
  receivedAt!: string;

  @ApiProperty({
    description:
      'How the identity was checked (e.g. "letter signed, address matches order 2026-000123"). Never copy an ID document here.',
    maxLength: 500,
  })
  @IsString()
  @Length(10, 500)
  identityCheck!: string;
}

export class ExtensionDto {
  @ApiProperty({ description: 'Further months (Art. 12(3): at most two in all)', minimum: 1, maximum: 2 })
  @IsInt()
  @Min(1)
  @Max(2)
  months!: number;

  @ApiProperty({
    description: 'Why (complexity, number of requests); told to the person on request',
    maxLength: 500,
  })
  @IsString()
  @Length(10, 500)
  reason!: string;
}

export class RefusalDto {
  @ApiProperty({ enum: REFUSAL_REASONS })
  @IsIn(REFUSAL_REASONS)
  reason!: RefusalReason;

  @ApiProperty({ description: 'The facts behind the refusal, for the file', maxLength: 1000 })
  @IsString()
  @Length(10, 1000)
  detail!: string;
}

export class StaffConfirmationDto {
  @ApiProperty({
    description: 'How the person confirmed the erasure again (fresh verification)',
    maxLength: 500,
  })
  @IsString()
  @Length(10, 500)
  identityCheck!: string;
}

export class LiftAnnouncementDto {
  @ApiProperty({
    description: 'When the restriction is lifted; the person is told now (Art. 18(3))',
    example: '2026-12-20',
  })
  @IsDateString()
  liftOn!: string;

  @ApiProperty({ description: 'Why it is lifted (e.g. the accuracy was verified)', maxLength: 500 })
  @IsString()
  @Length(10, 500)
  reason!: string;
}

export class ConsentWithdrawalDto {
  @ApiProperty({ description: 'The consent purpose to withdraw', example: 'carrier-notifications' })
  @IsString()
  @Matches(ACTIVITY_ID, { message: 'purpose must be a consent purpose such as carrier-notifications' })
  purpose!: string;
}
