import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { SKU_PATTERN } from './order.dto.js';
import { VAT_RATES_BP } from './order-totals.js';

const MAX_PRICE_CENTS = 100_000_000;
const MAX_STOCK = 1_000_000;

export class CreateProductDto {
  @ApiProperty({
    example: 'DV-PRO-2',
    description: 'Upper-case letters, digits and hyphens, 3 to 40 characters; never changes.',
  })
  @IsString()
  @Matches(SKU_PATTERN, { message: 'must be upper-case letters, digits and hyphens, 3 to 40 characters' })
  sku!: string;

  @ApiProperty({ example: 'DermaView Pro 2 skin analysis device', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: 'Polarised 12-megapixel skin imaging for practices.', maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @ApiProperty({ example: 249_900, description: 'Gross price (VAT included) in cents, a positive integer.' })
  @IsInt()
  @Min(1)
  @Max(MAX_PRICE_CENTS)
  priceCents!: number;

  @ApiPropertyOptional({ enum: ['EUR'], default: 'EUR', description: 'ISO 4217; the shop sells in EUR.' })
  @IsOptional()
  @IsIn(['EUR'])
  currency?: 'EUR';

  @ApiProperty({
    enum: VAT_RATES_BP,
    example: 1900,
    description: 'VAT rate in basis points: 1900 = 19 %, 700 = 7 %.',
  })
  @IsIn(VAT_RATES_BP)
  vatRateBp!: number;

  @ApiPropertyOptional({
    example: 1250,
    nullable: true,
    description: 'Weight of one piece as shipped, in grams; required for shipping methods priced by weight.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  weightGrams?: number | null;

  @ApiPropertyOptional({
    default: false,
    description:
      'A medical device: each piece sold gets its UDI or serial number scanned at packing (recall traceability).',
  })
  @IsOptional()
  @IsBoolean()
  tracksSerials?: boolean;

  @ApiProperty({ example: 25, minimum: 0, maximum: MAX_STOCK })
  @IsInt()
  @Min(0)
  @Max(MAX_STOCK)
  stock!: number;

  @ApiPropertyOptional({ default: true, description: 'Shown in the shop and orderable.' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

/** Every field optional; `stock` sets the count, `stockAdjustment` adds to it (goods received, stocktaking). */
export class UpdateProductDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @ApiPropertyOptional({ description: 'Gross price in cents; orders already placed keep their price.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PRICE_CENTS)
  priceCents?: number;

  @ApiPropertyOptional({ enum: VAT_RATES_BP })
  @IsOptional()
  @IsIn(VAT_RATES_BP)
  vatRateBp?: number;

  @ApiPropertyOptional({ nullable: true, description: 'Weight of one piece in grams; null removes it.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  weightGrams?: number | null;

  @ApiPropertyOptional({
    default: false,
    description:
      'A medical device: each piece sold gets its UDI or serial number scanned at packing (recall traceability).',
  })
  @IsOptional()
  @IsBoolean()
  tracksSerials?: boolean;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_STOCK,
    description: 'Sets the stock. Races with orders placed meanwhile: prefer stockAdjustment.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_STOCK)
  stock?: number;

  @ApiPropertyOptional({
    example: 20,
    description: 'Adds to (or, negative, takes from) the stock atomically; 409 when it would go below 0.',
  })
  @IsOptional()
  @IsInt()
  @Min(-MAX_STOCK)
  @Max(MAX_STOCK)
  stockAdjustment?: number;

  @ApiPropertyOptional({
    description: 'false hides the product from the shop; orders already placed are unaffected.',
  })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class CataloguePageQuery {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;
}

export class ShopProductResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'DV-PRO-2' })
  sku!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty({ example: 249_900, description: 'Gross price (VAT included) in cents.' })
  priceCents!: number;

  @ApiProperty({ example: 'EUR' })
  currency!: string;

  @ApiProperty({ example: 1900, description: 'VAT rate in basis points (1900 = 19 %).' })
  vatRateBp!: number;

  @ApiProperty({ example: 1250, nullable: true, description: 'Weight of one piece in grams.' })
  weightGrams!: number | null;

  @ApiProperty({ description: 'Whether at least one piece is in stock.' })
  inStock!: boolean;
}

export class AdminProductResponse extends ShopProductResponse {
  @ApiProperty({ description: 'A medical device whose pieces are traced by UDI or serial number.' })
  tracksSerials!: boolean;

  @ApiProperty()
  stock!: number;

  @ApiProperty()
  active!: boolean;

  @ApiProperty()
  createdAt!: string;

  @ApiProperty()
  updatedAt!: string;
}

export class ShopProductPage {
  @ApiProperty({ type: [ShopProductResponse] })
  items!: ShopProductResponse[];

  @ApiProperty()
  page!: number;

  @ApiProperty()
  pageSize!: number;

  @ApiProperty({ description: 'Number of products in all pages.' })
  total!: number;
}

export class AdminProductPage {
  @ApiProperty({ type: [AdminProductResponse] })
  items!: AdminProductResponse[];

  @ApiProperty()
  page!: number;

  @ApiProperty()
  pageSize!: number;

  @ApiProperty()
  total!: number;
}
