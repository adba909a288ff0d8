import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { FLAG_RESOLUTIONS, type FlagResolution } from './payment.entities.js';
import { PAYMENT_METHODS, PROVIDER_IDS } from './payment-provider.port.js';

export class SepaMandateDto {
  @ApiProperty({
    example: 'DE89 3704 0044 0532 0130 00',
    maxLength: 42,
    description: 'IBAN of the account to debit (spaces allowed). Stored encrypted, shown masked.',
  })
  @IsString()
  @MaxLength(42)
  iban!: string;

  @ApiProperty({
    example: 'Erika Mustermann',
    minLength: 2,
    maxLength: 70,
    description: 'Name of the account holder.',
  })
  @IsString()
  @MinLength(2)
  @MaxLength(70)
  accountHolder!: string;

  @ApiProperty({
    example: true,
    description: 'The customer accepted the SEPA direct debit mandate text shown at checkout (must be true).',
  })
  @IsBoolean()
  accepted!: boolean;
}

export class StartPaymentDto {
  @ApiPropertyOptional({
    type: SepaMandateDto,
    description:
      'Required for SEPA direct debit, refused for every other method (the shop collects no IBAN it does not need).',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SepaMandateDto)
  sepaMandate?: SepaMandateDto;

  @ApiPropertyOptional({
    example: '1980-04-01',
    description:
      'Voluntary, and only when a credit check for SEPA direct debit or invoice answered dateOfBirthRequested: passed on ' +
      'to the check, not stored by payments.',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date YYYY-MM-DD' })
  dateOfBirth?: string;
}

export class MandateDto {
  @ApiProperty({ example: 'SO-2026-000123-K7QW2ZP4' })
  reference!: string;
  @ApiProperty({ example: 'DE98ZZZ09999999999', description: "The shop's SEPA creditor identifier." })
  creditorId!: string;
  @ApiProperty({ example: 'DE89 **** **** **** **30 00' })
  ibanMasked!: string;
  @ApiProperty({ example: '2026-03-05T10:15:00.000Z' })
  signedAt!: string;
}

export class PaymentDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ format: 'uuid' })
  orderId!: string;
  @ApiProperty({ enum: PAYMENT_METHODS })
  method!: string;
  @ApiProperty({ enum: PROVIDER_IDS })
  provider!: string;
  @ApiProperty({ enum: ['creating', 'pending', 'succeeded', 'failed', 'cancelled'] })
  status!: string;
  @ApiProperty({ example: 264_700, description: 'Minor units (cents).' })
  amountCents!: number;
  @ApiProperty({ example: 'EUR' })
  currency!: string;
  @ApiPropertyOptional({ description: 'Card: confirm the PaymentIntent with Stripe.js using this secret.' })
  clientSecret?: string;
  @ApiPropertyOptional({ description: 'PayPal: send the buyer here to approve the payment.' })
  approvalUrl?: string;
  @ApiPropertyOptional({
    description: 'PayPal: approved by the buyer; POST …/payments/capture takes the money.',
  })
  captureRequired?: boolean;
  @ApiPropertyOptional({
    type: MandateDto,
    description: 'SEPA direct debit: the mandate given (IBAN masked).',
  })
  mandate?: MandateDto;
  @ApiPropertyOptional({
    example: 'SO-2026-000123',
    description: 'Invoice: the reference to put on the bank transfer.',
  })
  transferReference?: string;
  @ApiProperty()
  createdAt!: string;
  @ApiProperty({ nullable: true, type: String })
  succeededAt!: string | null;
}

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

export class FlagsQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'resolved', 'all'], default: 'open' })
  @IsOptional()
  @IsIn(['open', 'resolved', 'all'])
  state?: 'open' | 'resolved' | 'all';

  @ApiPropertyOptional({ format: 'uuid', description: 'Only the flags of this order.' })
  @IsOptional()
  @IsUUID()
  orderId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class PaymentsQueryDto {
  @ApiProperty({ format: 'uuid', description: 'The order whose payments to list.' })
  @IsDefined()
  @IsUUID()
  orderId!: string;
}

export class ResolveFlagDto {
  @ApiProperty({
    enum: FLAG_RESOLUTIONS,
    description:
      'refunded: the money was sent back; accepted: the difference is accepted (the order was settled otherwise); ' +
      'order-cancelled; no-action-needed.',
  })
  @IsIn(FLAG_RESOLUTIONS)
  resolution!: FlagResolution;
}

export class FlagDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  orderId!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  paymentId!: string | null;
  @ApiProperty({ enum: PROVIDER_IDS })
  provider!: string;
  @ApiProperty({ enum: ['amount-mismatch', 'currency-mismatch', 'unknown-payment', 'order-not-payable'] })
  reason!: string;
  @ApiProperty({
    description: 'Amounts, currencies, event id and type, where the report came from: never personal data.',
    example: {
      source: 'webhook',
      eventType: 'payment_intent.succeeded',
      expectedCents: 264700,
      receivedCents: 100,
    },
  })
  details!: Record<string, unknown>;
  @ApiProperty()
  createdAt!: string;
  @ApiProperty({ nullable: true, type: String })
  resolvedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'staff:<id> of who resolved it.' })
  resolvedBy!: string | null;
  @ApiProperty({ nullable: true, enum: FLAG_RESOLUTIONS })
  resolution!: string | null;
}

export class SettlementDto {
  @ApiProperty({
    example: 264_700,
    description: 'The amount the bank received, in minor units: must equal the payment.',
  })
  @IsInt()
  @Min(1)
  amountCents!: number;

  @ApiProperty({ example: 'EUR' })
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code in upper case' })
  currency!: string;
}

export class RefundDto {
  @ApiPropertyOptional({
    example: 14_900,
    description: 'Minor units; the whole refundable rest when left out.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  amountCents?: number;
}

export class RefundResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ format: 'uuid' })
  paymentId!: string;
  @ApiProperty({ enum: ['creating', 'pending', 'succeeded', 'failed'] })
  status!: string;
  @ApiProperty()
  amountCents!: number;
  @ApiProperty()
  currency!: string;
  @ApiProperty()
  createdAt!: string;
}

export class WebhookAnswerDto {
  @ApiProperty({ example: true })
  received!: boolean;
  @ApiProperty({ example: 'evt_1PqR…' })
  eventId!: string;
  @ApiProperty({
    example: 'applied',
    description:
      'applied, already-applied, duplicate, flagged:<reason>, unknown-payment, recorded or ignored.',
  })
  outcome!: string;
}
