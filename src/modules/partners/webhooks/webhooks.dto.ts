import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { SHIPMENT_EVENT_TYPES, type ShipmentEventType } from '../../carrier-handoff/index.js';

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://partner.example/hooks/storefront',
    description: 'Where the signed POSTs go: https in production, no credentials in the URL.',
  })
  @IsString()
  @MaxLength(2000)
  url!: string;

  @ApiProperty({
    enum: SHIPMENT_EVENT_TYPES,
    isArray: true,
    description:
      'shipment.created and shipment.assigned carry the recipient (the partner’s allow-list); shipment.picked_up and ' +
      'shipment.delivered carry the status only. A partner gets no webhook about what it reported itself.',
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(SHIPMENT_EVENT_TYPES.length)
  @IsIn(SHIPMENT_EVENT_TYPES, { each: true })
  events!: ShipmentEventType[];
}

export class WebhookDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) partnerId!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ enum: SHIPMENT_EVENT_TYPES, isArray: true }) events!: ShipmentEventType[];
  @ApiProperty() active!: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) disabledAt!: Date | null;
}

export class CreatedWebhookDto extends WebhookDto {
  @ApiProperty({
    description:
      'The signing secret: shown in this answer only, stored encrypted. The partner verifies X-Webhook-Signature ' +
      '(v1=HMAC-SHA256 over "<X-Webhook-Timestamp>.<raw body>") with it and rejects stale timestamps and repeated ids.',
  })
  secret!: string;
}

const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export class DeliveryQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: (typeof DELIVERY_STATUSES)[number];

  @ApiPropertyOptional()
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

export class DeliveryDto {
  @ApiProperty({ format: 'uuid', description: 'Also the body id and X-Webhook-Id the partner received.' })
  id!: string;
  @ApiProperty({ format: 'uuid' }) webhookId!: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) shipmentId!: string | null;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ enum: SHIPMENT_EVENT_TYPES }) eventType!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: Number }) lastStatusCode!: number | null;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastAttemptAt!: Date | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) deliveredAt!: Date | null;
}

export class DeliveryPageDto {
  @ApiProperty({ type: [DeliveryDto] }) items!: DeliveryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
