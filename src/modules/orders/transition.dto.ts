import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { STAFF_TARGETS, type OrderStatus } from './order-state-machine.js';

export class TransitionDto {
  @ApiProperty({
    enum: STAFF_TARGETS,
    description:
      'fulfilment, admin: picking, packed, handed_to_carrier, delivered. support, admin: cancelled, refunded. ' +
      'Payment states are set by the payments module.',
  })
  @IsIn(STAFF_TARGETS)
  to!: OrderStatus;

  @ApiPropertyOptional({ maxLength: 500, description: 'Why; kept in the order history. No personal data.' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class TransitionResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'SO-2026-000042' })
  number!: string;

  @ApiProperty({ description: 'The status before the move.' })
  previousStatus!: OrderStatus;

  @ApiProperty()
  status!: OrderStatus;
}

/** A payment staff record by hand, e.g. a bank transfer for an order on invoice. */
export class RecordPaymentDto {
  @ApiProperty({
    example: 'bank-transfer',
    description: 'Who received the money (lower-case, digits, hyphens).',
  })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{1,39}$/, {
    message: 'must be lower-case letters, digits and hyphens, 2 to 40',
  })
  provider!: string;

  @ApiProperty({
    example: 'bank statement 2026-03-05 #17',
    description: 'The payment reference; no personal data.',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  reference!: string;

  @ApiProperty({ example: 262_800, description: 'The amount received in cents: must equal the order total.' })
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  amountCents!: number;

  @ApiProperty({ example: 'EUR' })
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code such as EUR' })
  currency!: string;
}

export class RecordPaymentResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  number!: string;

  @ApiProperty()
  status!: OrderStatus;

  @ApiProperty({ example: 'RE-2026-000017' })
  invoiceNumber!: string;

  @ApiProperty({ description: 'true when this payment had been recorded before and nothing changed.' })
  alreadyRecorded!: boolean;
}
