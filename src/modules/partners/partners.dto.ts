import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { PARTNER_SCOPE_NAMES, PARTNER_SCOPES, type PartnerScope } from './api-keys.js';
import { PARTNER_KINDS, type PartnerKind } from './partner.entity.js';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);
const scopeList = Object.entries(PARTNER_SCOPES)
  .map(([scope, what]) => `${scope}: ${what}`)
  .join('; ');

export class CreatePartnerDto {
  @ApiProperty({ description: 'Company name, unique (case-insensitive).', example: 'DHL Paket GmbH' })
  @IsString()
  @Length(2, 120)
  name!: string;

  @ApiProperty({ enum: PARTNER_KINDS })
  @IsIn(PARTNER_KINDS)
  kind!: PartnerKind;

  @ApiProperty({
    description:
      'The recipient of the processing registry this partner is (e.g. `dhl`): its allow-lists decide what the ' +
      'partner may receive. A carrier must be a recipient; a logistics partner a recipient or a processor.',
    example: 'dhl',
  })
  @Matches(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)
  @MaxLength(100)
  recipientId!: string;

  @ApiPropertyOptional({
    description: "Name of the partner's technical contact (personal data; voluntary).",
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @Length(1, 120)
  contactName?: string | null;

  @ApiPropertyOptional({
    description: "Work email of the partner's technical contact (personal data; voluntary).",
    nullable: true,
    type: String,
  })
  @IsOptional()
  @Transform(trim)
  @IsEmail()
  @MaxLength(254)
  contactEmail?: string | null;
}

export class UpdatePartnerDto {
  @ApiPropertyOptional({ description: 'New company name.' })
  @IsOptional()
  @IsString()
  @Length(2, 120)
  name?: string;

  @ApiPropertyOptional({
    description: 'New technical contact name; null removes it.',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @Length(1, 120)
  contactName?: string | null;

  @ApiPropertyOptional({
    description: 'New technical contact email; null removes it.',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @Transform(trim)
  @IsEmail()
  @MaxLength(254)
  contactEmail?: string | null;

  @ApiPropertyOptional({ description: 'false deactivates the partner: all its keys stop working at once.' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class CreateApiKeyDto {
  @ApiProperty({
    enum: PARTNER_SCOPE_NAMES,
    isArray: true,
    description: `What the key may do. ${scopeList}.`,
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(PARTNER_SCOPE_NAMES.length)
  @IsIn(PARTNER_SCOPE_NAMES, { each: true })
  scopes!: PartnerScope[];

  @ApiPropertyOptional({ description: 'What the key is for, e.g. "DHL tracking integration (production)".' })
  @IsOptional()
  @IsString()
  @Length(1, 120)
  label?: string;
}

export class PartnerDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: PARTNER_KINDS }) kind!: PartnerKind;
  @ApiProperty({ description: 'Recipient id in the processing registry.' }) recipientId!: string;
  @ApiProperty({ nullable: true, type: String }) contactName!: string | null;
  @ApiProperty({ nullable: true, type: String }) contactEmail!: string | null;
  @ApiProperty() active!: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) deactivatedAt!: Date | null;
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) partnerId!: string;
  @ApiProperty({ nullable: true, type: String }) label!: string | null;
  @ApiProperty({ description: 'The first 8 characters of the key, to recognise it.' }) prefix!: string;
  @ApiProperty({ enum: PARTNER_SCOPE_NAMES, isArray: true }) scopes!: PartnerScope[];
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'To the minute.' })
  lastUsedAt!: Date | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) revokedAt!: Date | null;
}

export class IssuedApiKeyDto extends ApiKeyDto {
  @ApiProperty({
    description:
      'The API key. Shown only in this answer and never again: store it in the partner system now.',
  })
  key!: string;
}

export class PartnerSelfDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: PARTNER_KINDS }) kind!: PartnerKind;
  @ApiProperty() recipientId!: string;
  @ApiProperty({ description: 'The key this request used.' })
  apiKey!: { id: string; prefix: string; scopes: string[] };
}
