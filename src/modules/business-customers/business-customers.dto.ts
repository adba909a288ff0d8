import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

export class BusinessProfileDto {
  @ApiProperty({ example: 'Hautarztpraxis Dr. Huber', maxLength: 200 })
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  companyName!: string;

  @ApiProperty({ example: 'AT', description: 'Country of the business (ISO 3166-1 alpha-2).' })
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 country code' })
  country!: string;

  @ApiPropertyOptional({
    example: 'ATU12345678',
    nullable: true,
    description: 'VAT ID (USt-IdNr.), checked for the format of its country and confirmed with VIES.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  vatId?: string | null;
}

export interface BusinessProfileView {
  companyName: string;
  vatId: string | null;
  vatIdCountry: string | null;
  /** none: no VAT ID; confirmed / invalid: VIES' answer; unavailable: VIES could not answer (try again). */
  vatIdStatus: string;
  vatIdCheckedAt: string | null;
  /** The consultation number of the confirming VIES answer. */
  vatIdConsultationNumber: string | null;
  customerGroup: string | null;
  /** Business customers see net prices (VAT added at checkout, or none for zero-rated deliveries). */
  pricesShown: 'net';
}

export class CustomerGroupDto {
  @ApiPropertyOptional({ example: 'practices', nullable: true })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9-]{2,40}$/, { message: 'must be a customer group code' })
  group!: string | null;
}

export class PriceListEntryDto {
  @ApiProperty({ example: 'DV-GO' })
  @IsString()
  @Matches(/^[A-Z0-9][A-Z0-9-]{2,39}$/, { message: 'must be a SKU' })
  sku!: string;

  @ApiProperty({ example: 69_900, description: 'Net unit price in cents.' })
  @IsInt()
  @Min(1)
  netPriceCents!: number;
}

export class PriceListDto {
  @ApiProperty({ example: 'Medical practices' })
  @IsString()
  @MinLength(2)
  @MaxLength(100)
  name!: string;

  @ApiProperty({ type: [PriceListEntryDto] })
  @IsArray()
  @ArrayMaxSize(10_000)
  @ValidateNested({ each: true })
  @Type(() => PriceListEntryDto)
  prices!: PriceListEntryDto[];
}
