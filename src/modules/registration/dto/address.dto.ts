import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsISO31661Alpha2, IsOptional, IsString, Length, ValidateIf } from 'class-validator';
import { Trim, TrimUpper } from './text.js';

/** An address in the address book, in the one address shape the API uses everywhere. */
export class AddressDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Your name for it, e.g. "Praxis"',
    example: null,
  })
  label!: string | null;

  @ApiProperty({ example: 'Erika' })
  firstName!: string;

  @ApiProperty({ example: 'Mustermann' })
  lastName!: string;

  @ApiProperty({ nullable: true, type: String, example: null })
  company!: string | null;

  @ApiProperty({ example: 'Siemensring' })
  street!: string;

  @ApiProperty({ nullable: true, type: String, example: '98' })
  houseNumber!: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  addressLine2!: string | null;

  @ApiProperty({ example: '47877' })
  postalCode!: string;

  @ApiProperty({ example: 'Willich' })
  city!: string;

  @ApiProperty({ description: 'ISO 3166-1 alpha-2', example: 'DE' })
  country!: string;

  @ApiProperty()
  isDefaultDelivery!: boolean;

  @ApiProperty()
  isDefaultBilling!: boolean;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: Date;
}

/**
 * A new address. Only its shape is checked here (country code, non-empty postal code); whether the
 * address exists is the address-validation module's question.
 */
export class CreateAddressDto {
  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 50, description: 'Your name for it' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 50)
  label?: string | null;

  @ApiProperty({ example: 'Erika', maxLength: 100 })
  @Trim()
  @IsString()
  @Length(1, 100)
  firstName!: string;

  @ApiProperty({ example: 'Mustermann', maxLength: 100 })
  @Trim()
  @IsString()
  @Length(1, 100)
  lastName!: string;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 200 })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 200)
  company?: string | null;

  @ApiProperty({ example: 'Siemensring', maxLength: 200 })
  @Trim()
  @IsString()
  @Length(1, 200)
  street!: string;

  @ApiPropertyOptional({ nullable: true, type: String, example: '98', maxLength: 20 })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 20)
  houseNumber?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 200 })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 200)
  addressLine2?: string | null;

  @ApiProperty({ example: '47877', maxLength: 20 })
  @Trim()
  @IsString()
  @Length(1, 20)
  postalCode!: string;

  @ApiProperty({ example: 'Willich', maxLength: 100 })
  @Trim()
  @IsString()
  @Length(1, 100)
  city!: string;

  @ApiProperty({ example: 'DE', description: 'ISO 3166-1 alpha-2 country code' })
  @TrimUpper()
  @IsISO31661Alpha2({ message: '$property must be an ISO 3166-1 alpha-2 country code' })
  country!: string;

  @ApiPropertyOptional({ default: false, description: 'Make it the default delivery address' })
  @IsOptional()
  @IsBoolean()
  isDefaultDelivery?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Make it the default billing address' })
  @IsOptional()
  @IsBoolean()
  isDefaultBilling?: boolean;
}

const present = (key: keyof UpdateAddressDto) => (o: UpdateAddressDto) => o[key] !== undefined;

/** Changes to an address: only the fields sent change; required fields cannot be set to null. */
export class UpdateAddressDto {
  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 50 })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 50)
  label?: string | null;

  @ApiPropertyOptional({ maxLength: 100 })
  @ValidateIf(present('firstName'))
  @Trim()
  @IsString()
  @Length(1, 100)
  firstName?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @ValidateIf(present('lastName'))
  @Trim()
  @IsString()
  @Length(1, 100)
  lastName?: string;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 200 })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 200)
  company?: string | null;

  @ApiPropertyOptional({ maxLength: 200 })
  @ValidateIf(present('street'))
  @Trim()
  @IsString()
  @Length(1, 200)
  street?: string;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 20 })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 20)
  houseNumber?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 200 })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 200)
  addressLine2?: string | null;

  @ApiPropertyOptional({ maxLength: 20 })
  @ValidateIf(present('postalCode'))
  @Trim()
  @IsString()
  @Length(1, 20)
  postalCode?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @ValidateIf(present('city'))
  @Trim()
  @IsString()
  @Length(1, 100)
  city?: string;

  @ApiPropertyOptional({ description: 'ISO 3166-1 alpha-2 country code' })
  @ValidateIf(present('country'))
  @TrimUpper()
  @IsISO31661Alpha2({ message: '$property must be an ISO 3166-1 alpha-2 country code' })
  country?: string;

  @ApiPropertyOptional()
  @ValidateIf(present('isDefaultDelivery'))
  @IsBoolean()
  isDefaultDelivery?: boolean;

  @ApiPropertyOptional()
  @ValidateIf(present('isDefaultBilling'))
  @IsBoolean()
  isDefaultBilling?: boolean;
}
