import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import {
  CARRIERS,
  type CarrierId,
  SHIPMENT_STATUSES,
  type ShipmentStatus,
  type PartnerReport,
} from '../../carrier-handoff/index.js';

export class PartnerShipmentQuery {
  @ApiPropertyOptional({ enum: SHIPMENT_STATUSES, description: 'Only shipments in this status.' })
  @IsOptional()
  @IsIn(SHIPMENT_STATUSES)
  status?: ShipmentStatus;

  @ApiPropertyOptional({
    description: 'nextCursor of the previous page; keep the last one to poll for new shipments.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

const REPORTS: readonly PartnerReport[] = ['picked_up', 'delivered'];

export class PartnerStatusReportDto {
  @ApiProperty({
    enum: REPORTS,
    description: 'What happened to the parcel. Reporting it again changes nothing.',
  })
  @IsIn(REPORTS)
  status!: PartnerReport;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'When it happened (default: now); not in the future, not before the shipment was created.',
  })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  at?: Date;
}

export class PartnerRecipientDto {
  @ApiProperty({ example: 'Erika Mustermann' }) name!: string;
  @ApiProperty({ example: 'Siemensring' }) street!: string;
  @ApiPropertyOptional({ example: '98' }) houseNumber?: string;
  @ApiPropertyOptional({ description: 'Address addition (c/o, building, floor).' }) addressLine2?: string;
  @ApiProperty({ example: '47877' }) postalCode!: string;
  @ApiProperty({ example: 'Willich' }) city!: string;
  @ApiProperty({ example: 'DE', description: 'ISO 3166-1 alpha-2.' }) country!: string;
  @ApiPropertyOptional({
    description:
      'Only when the buyer agreed to carrier notifications for this order (and has not withdrawn it).',
  })
  email?: string;
  @ApiPropertyOptional({
    description: 'Only with that consent, and only where the order holds a phone number.',
  })
  phone?: string;
}

export class PersonalDataNoticeDto {
  @ApiProperty({ description: 'Whether `recipient` holds the personal data of the shipment.' })
  available!: boolean;

  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description:
      'From this instant (delivery plus the configured days) the API returns no personal data of it.',
  })
  until!: Date | null;

  @ApiPropertyOptional({
    enum: ['retention-expired', 'processing-restricted', 'order-unavailable'],
    description:
      'Why it is withheld: its time after delivery is over; the person restricted processing (Art. 18 GDPR); or the ' +
      'order is no longer available.',
  })
  reason?: string;
}

export class PartnerShipmentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({
    example: 'SO-2026-000042',
    description: "The shop's reference (order number), printed on the label.",
  })
  reference!: string;
  @ApiProperty({ enum: CARRIERS }) carrier!: CarrierId;
  @ApiProperty({ enum: SHIPMENT_STATUSES }) status!: ShipmentStatus;
  @ApiProperty({ nullable: true, type: String }) trackingNumber!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) handedOverAt!: Date | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) acknowledgedAt!: Date | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) pickedUpAt!: Date | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) deliveredAt!: Date | null;
  @ApiProperty({ description: 'weightGrams' }) parcel!: { weightGrams: number };
  @ApiProperty({
    type: PartnerRecipientDto,
    nullable: true,
    description: 'null once withheld (see personalData).',
  })
  recipient!: PartnerRecipientDto | null;
  @ApiProperty({ type: PersonalDataNoticeDto }) personalData!: PersonalDataNoticeDto;
}

export class PartnerShipmentPageDto {
  @ApiProperty({ type: [PartnerShipmentDto] }) items!: PartnerShipmentDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class PartnerShipmentStateDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() reference!: string;
  @ApiProperty({ enum: SHIPMENT_STATUSES }) status!: ShipmentStatus;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) acknowledgedAt!: Date | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) pickedUpAt!: Date | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) deliveredAt!: Date | null;
}
