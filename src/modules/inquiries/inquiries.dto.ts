import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
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
  ValidatorConstraint,
  Validate,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { INQUIRY_STATUSES, type InquiryStatus } from './inquiry.entity.js';
import { toE164 } from './phone.js';

/** Surrounding white space is never meant: trimmed before validation. Empty optional fields count as absent. */
const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);
const trimToUndefined = ({ value }: { value: unknown }): unknown => {
  if (value === null) return undefined;
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
};

export const MESSAGE_MAX_LENGTH = 5000;
export const ANSWER_MAX_LENGTH = 10_000;

@ValidatorConstraint({ name: 'phoneNumber' })
class IsTelephoneNumber implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && toE164(value) !== null;
  }

  defaultMessage(): string {
    return 'must be a telephone number (with country code, or a German number)';
  }
}

export class SubmitInquiryDto {
  @ApiProperty({ description: 'Name of the person asking', example: 'Erika Mustermann', maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({
    description: 'Email address the answer is sent to',
    example: 'erika@example.org',
    maxLength: 254,
  })
  @Transform(trim)
  @IsString()
  @MaxLength(254)
  @IsEmail({ allow_display_name: false, allow_ip_domain: false })
  email!: string;

  @ApiPropertyOptional({
    description: 'Company or practice (voluntary)',
    example: 'Hautarztpraxis Willich',
    maxLength: 200,
  })
  @Transform(trimToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(200)
  company?: string;

  @ApiPropertyOptional({
    description:
      'Telephone number (voluntary), for a call back; stored in E.164 form. Numbers without a country code are read as German.',
    example: '+49 2154 000000',
    maxLength: 32,
  })
  @Transform(trimToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(32)
  @Validate(IsTelephoneNumber)
  phone?: string;

  @ApiProperty({ description: 'The question', maxLength: MESSAGE_MAX_LENGTH })
  @Transform(trim)
  @IsString()
  @Length(1, MESSAGE_MAX_LENGTH)
  message!: string;

  @ApiPropertyOptional({
    description: 'SKU of the product the inquiry is about',
    example: 'DERMA-SCOPE-200',
    pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
  })
  @Transform(trimToUndefined)
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'must be a product SKU' })
  productSku?: string;
}

export class InquiryReceipt {
  @ApiProperty({ description: 'Id of the inquiry', format: 'uuid' })
  id!: string;

  @ApiProperty({
    description:
      'Keep this token: sent in the X-Withdrawal-Token header of DELETE withdrawUrl, it deletes the inquiry at once. ' +
      'It is shown only now and stored only as a hash.',
  })
  withdrawalToken!: string;

  @ApiProperty({
    description: 'Where to withdraw the inquiry (DELETE, with the X-Withdrawal-Token header)',
    example: '/api/v1/shop/inquiries/2f1e6c1a-7a4b-4d0e-9b8e-1c2d3e4f5a6b',
  })
  withdrawUrl!: string;
}

export class WithdrawnInquiry {
  @ApiProperty({ enum: ['withdrawn'] })
  status!: 'withdrawn';

  @ApiProperty({ description: 'What happens to the inquiry now' })
  detail!: string;
}

export class ListInquiriesQuery {
  @ApiPropertyOptional({ enum: INQUIRY_STATUSES, description: 'Only inquiries in this state' })
  @IsOptional()
  @IsIn(INQUIRY_STATUSES)
  status?: InquiryStatus;

  @ApiPropertyOptional({ description: 'Page number, from 1', default: 1, minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  page: number = 1;

  @ApiPropertyOptional({ description: 'Inquiries per page', default: 20, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize: number = 20;
}

export class AnswerInquiryDto {
  @ApiProperty({ description: 'The answer sent to the person', maxLength: ANSWER_MAX_LENGTH })
  @Transform(trim)
  @IsString()
  @Length(1, ANSWER_MAX_LENGTH)
  text!: string;
}

/** An inquiry in the support queue: no personal data (open it to read it; that read is audited). */
export class InquirySummary {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: INQUIRY_STATUSES })
  status!: InquiryStatus;

  @ApiProperty({ nullable: true, type: String, description: 'SKU of the product asked about' })
  productSku!: string | null;

  @ApiProperty({ description: 'Number of answers given so far' })
  answerCount!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  answeredAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  closedAt!: string | null;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'Deleted after this instant',
  })
  deleteAfter!: string | null;
}

export class InquiryPage {
  @ApiProperty({ type: [InquirySummary] })
  items!: InquirySummary[];

  @ApiProperty()
  page!: number;

  @ApiProperty()
  pageSize!: number;

  @ApiProperty({ description: 'Inquiries matching the filter, over all pages' })
  total!: number;
}

export class InquiryAnswerView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  text!: string;

  @ApiProperty({ description: 'Id of the staff member who answered' })
  answeredBy!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When it was sent' })
  deliveredAt!: string | null;
}

export class InquiryView extends InquirySummary {
  @ApiProperty()
  name!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty({ nullable: true, type: String })
  company!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'E.164' })
  phone!: string | null;

  @ApiProperty()
  message!: string;

  @ApiProperty({ type: [InquiryAnswerView], description: 'Answers, oldest first' })
  answers!: InquiryAnswerView[];
}

export class AnswerReceipt {
  @ApiProperty({ format: 'uuid', description: 'Id of the answer' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  inquiryId!: string;

  @ApiProperty({ enum: INQUIRY_STATUSES })
  status!: InquiryStatus;

  @ApiProperty({ format: 'date-time' })
  answeredAt!: string;
}

export class ClosedInquiry {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['closed'] })
  status!: 'closed';

  @ApiProperty({ format: 'date-time' })
  closedAt!: string;

  @ApiProperty({ description: 'The inquiry is already deleted (grace 0, nothing held it back)' })
  deleted!: boolean;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When it will be deleted, if it is not yet',
  })
  deleteAfter!: string | null;

  @ApiProperty({
    enum: ['grace', 'legal-hold', 'answer-undelivered'],
    nullable: true,
    type: String,
    description: 'Why it is not deleted yet',
  })
  keptFor!: 'grace' | 'legal-hold' | 'answer-undelivered' | null;
}
