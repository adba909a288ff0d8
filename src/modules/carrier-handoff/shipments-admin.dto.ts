import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { CARRIERS, type CarrierId, type TrackingState } from './carrier.port.js';
import { SHIPMENT_STATUSES, type AttemptOutcome, type ShipmentStatus } from './shipment.entity.js';
import type { ShipmentRow } from './shipment-store.js';

export class ShipmentListQuery {
  @ApiPropertyOptional({
    enum: SHIPMENT_STATUSES,
    description: 'Only shipments in this status, e.g. dead_letter.',
  })
  @IsOptional()
  @IsIn(SHIPMENT_STATUSES)
  status?: ShipmentStatus;

  @ApiPropertyOptional({ enum: CARRIERS })
  @IsOptional()
  @IsIn(CARRIERS)
  carrier?: CarrierId;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class RetryShipmentDto {
  @ApiPropertyOptional({
    default: false,
    description:
      'Create at the carrier without looking the order number up first. Only after checking at the carrier ' +
      '(portal, support) that no earlier attempt created the shipment: for a carrier that refuses the lookup.',
  })
  @IsOptional()
  @IsBoolean()
  skipLookup?: boolean;
}

export class AssignShipmentDto {
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description:
      'The partner (carrier or logistics partner) that sees the shipment in the partner API; null: none. Its ' +
      'recipient must have an allow-list for carrier handoff in the registry.',
  })
  @ValidateIf((_o, value) => value !== null)
  @IsUUID()
  partnerId!: string | null;
}

/** A shipment as staff see it: no name or address (those are the order's), the tracking number audited. */
export class ShipmentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) orderId!: string;
  @ApiProperty({ example: 'SO-2026-000042', description: 'Also the carrier-side reference.' })
  orderNumber!: string;
  @ApiProperty({ enum: CARRIERS }) carrier!: CarrierId;
  @ApiProperty({ enum: SHIPMENT_STATUSES }) status!: ShipmentStatus;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'The partner it is assigned to.',
  })
  partnerId!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: "The carrier's shipment number (reads are audited).",
  })
  trackingNumber!: string | null;
  @ApiProperty({ description: 'Whether a label is held (GET …/label).' }) hasLabel!: boolean;
  @ApiProperty() attempts!: number;
  @ApiProperty({ description: 'Attempts after which it is dead-lettered.' }) attemptLimit!: number;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Why the last attempt failed (kind and HTTP status only).',
  })
  lastError!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) nextAttemptAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) handedOverAt!: Date | null;
  @ApiProperty({ nullable: true, enum: ['carrier-api', 'partner'] }) handedOverBy!:
    'carrier-api' | 'partner' | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) acknowledgedAt!: Date | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) pickedUpAt!: Date | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) deliveredAt!: Date | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) deadLetteredAt!: Date | null;
}

export class ShipmentPageDto {
  @ApiProperty({ type: [ShipmentDto] }) items!: ShipmentDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as cursor for the next page; null on the last.',
  })
  nextCursor!: string | null;
}

export class ShipmentAttemptDto {
  @ApiProperty() attempt!: number;
  @ApiProperty({ type: String, format: 'date-time' }) startedAt!: Date;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finishedAt!: Date | null;
  @ApiProperty({
    nullable: true,
    enum: ['created', 'adopted', 'unavailable', 'rejected', 'refused', 'cancelled', 'superseded', 'error'],
    description: 'adopted: found at the carrier by its reference after an attempt whose outcome was unknown.',
  })
  outcome!: AttemptOutcome | null;
  @ApiProperty({ nullable: true, type: Number }) httpStatus!: number | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ nullable: true, type: Number }) durationMs!: number | null;
}

export class ShipmentDetailDto extends ShipmentDto {
  @ApiProperty({ type: [ShipmentAttemptDto] }) attemptLog!: ShipmentAttemptDto[];
}

export class TrackingDto {
  @ApiProperty({ enum: CARRIERS }) carrier!: CarrierId;
  @ApiProperty() trackingNumber!: string;
  @ApiProperty({ enum: ['announced', 'in-transit', 'delivered', 'exception', 'unknown'] })
  state!: TrackingState;
  @ApiPropertyOptional({ type: String, format: 'date-time' }) at?: Date;
}

export const toShipmentDto = (row: ShipmentRow): ShipmentDto => ({
  id: row.id,
  orderId: row.order_id,
  orderNumber: row.order_number,
  carrier: row.carrier,
  status: row.status,
  partnerId: row.partner_id,
  trackingNumber: row.tracking_number,
  hasLabel: row.has_label,
  attempts: row.attempts,
  attemptLimit: row.attempt_limit,
  lastError: row.last_error,
  nextAttemptAt: row.next_attempt_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  handedOverAt: row.handed_over_at,
  handedOverBy: row.handed_over_by,
  acknowledgedAt: row.acknowledged_at,
  pickedUpAt: row.picked_up_at,
  deliveredAt: row.delivered_at,
  deadLetteredAt: row.dead_lettered_at,
});
