import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export const PAYMENT_METHODS = ['card', 'paypal', 'sepa_debit', 'invoice'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** Upper-case letters, digits and hyphens, 3 to 40 characters (the product table checks the same). */
export const SKU_PATTERN = /^[A-Z0-9][A-Z0-9-]{2,39}$/;

export const MAX_ORDER_LINES = 50;
export const MAX_LINE_QUANTITY = 100;

/**
 * An address as the storefront sends it (the one address shape of the API). The fields are optional to the schema on
 * purpose: completeness and correctness are checked by the address validator, which answers 422
 * naming each field with suggestions, the same check as at registration.
 */
export class OrderAddressDto {
  @ApiProperty({ example: 'Erika', maxLength: 100, description: 'Required.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  firstName?: string | null;

  @ApiProperty({ example: 'Mustermann', maxLength: 100, description: 'Required.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  lastName?: string | null;

  @ApiPropertyOptional({ example: null, nullable: true, maxLength: 200, description: 'Voluntary.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  company?: string | null;

  @ApiProperty({ example: 'Siemensring', maxLength: 200, description: 'Required.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  street?: string | null;

  @ApiProperty({ example: '98', maxLength: 20, description: 'Required for DE and AT.' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  houseNumber?: string | null;

  @ApiPropertyOptional({ example: null, nullable: true, maxLength: 200, description: 'Voluntary.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  addressLine2?: string | null;

  @ApiProperty({ example: '47877', maxLength: 12, description: 'Required; checked against the town in DE.' })
  @IsOptional()
  @IsString()
  @MaxLength(12)
  postalCode?: string | null;

  @ApiProperty({ example: 'Willich', maxLength: 100, description: 'Required.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  city?: string | null;

  @ApiProperty({ example: 'DE', maxLength: 2, description: 'Required; ISO 3166-1 alpha-2.' })
  @IsOptional()
  @IsString()
  @MaxLength(2)
  country?: string | null;
}

export class OrderLineDto {
  @ApiProperty({ example: 'DV-PRO-2', description: 'The product SKU (GET /api/v1/shop/products).' })
  @IsString()
  @Matches(SKU_PATTERN, {
    message: 'must be a SKU: upper-case letters, digits and hyphens, 3 to 40 characters',
  })
  sku!: string;

  @ApiProperty({ example: 1, minimum: 1, maximum: MAX_LINE_QUANTITY })
  @IsInt()
  @Min(1)
  @Max(MAX_LINE_QUANTITY)
  quantity!: number;
}

export class PlaceOrderDto {
  @ApiPropertyOptional({
    example: 'erika@example.org',
    maxLength: 254,
    description:
      'Mandatory for guests (to confirm the order); must not be sent when signed in: the account email is used.',
  })
  @IsOptional()
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  email?: string;

  @ApiProperty({ type: [OrderLineDto], description: `1 to ${MAX_ORDER_LINES} lines, each SKU once.` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ORDER_LINES)
  @ValidateNested({ each: true })
  @Type(() => OrderLineDto)
  items!: OrderLineDto[];

  @ApiProperty({ type: OrderAddressDto, description: 'Where the parcel goes.' })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => OrderAddressDto)
  deliveryAddress!: OrderAddressDto;

  @ApiPropertyOptional({
    type: OrderAddressDto,
    nullable: true,
    description: 'The address on the invoice; the delivery address when left out.',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => OrderAddressDto)
  billingAddress?: OrderAddressDto | null;

  @ApiProperty({ enum: PAYMENT_METHODS, example: 'card' })
  @IsIn(PAYMENT_METHODS)
  paymentMethod!: PaymentMethod;

  @ApiPropertyOptional({
    example: 'dhl-parcel',
    description:
      'The shipping method (GET /api/v1/shop/shipping-methods), charged by destination zone and parcel weight, free ' +
      'above its threshold. Left out: no shipping line (clients from before shipping charges).',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9-]{2,40}$/, { message: 'must be a shipping method code' })
  shippingMethod?: string;

  @ApiPropertyOptional({
    default: false,
    description:
      'Voluntary. Lets the carrier email you about the delivery (the carrier then receives your email address). ' +
      'Recorded in the consent ledger; withdraw it at any time under /api/v1/shop/consents.',
  })
  @IsOptional()
  @IsBoolean()
  carrierNotificationConsent?: boolean;

  @ApiPropertyOptional({
    enum: ['de', 'en'],
    default: 'de',
    description:
      'The language of the order emails (confirmation with the withdrawal instructions, and after).',
  })
  @IsOptional()
  @IsIn(['de', 'en'])
  locale?: 'de' | 'en';
}

const toPositiveInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value;

/** GET /api/v1/shop/orders: a page of the customer's own orders, newest first. */
export class OwnOrdersQueryDto {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Transform(toPositiveInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Transform(toPositiveInt)
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;
}
