import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { visibleTo } from '../../../common/masking/index.js';

/** The body of POST /api/v1/admin/customers/search. */
export class CustomerSearchDto {
  @ApiProperty({
    description:
      'A customer id, an exact email address (only for roles that see email addresses; fulfilment gets 403), ' +
      'or 1-4 words of the first or last name.',
    example: 'Mustermann',
  })
  @IsString()
  @Length(2, 200)
  query!: string;

  @ApiPropertyOptional({ description: 'Page size (1-50).', default: 20 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

const customer = (path: string, description: string): { description: string } => ({
  description: `${description} ${visibleTo('customer', path)}`,
});

export class CustomerAddressDto {
  @ApiPropertyOptional({ format: 'uuid', ...customer('addresses.id', 'Address id.') })
  id?: string;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    ...customer('addresses.label', "The customer's label."),
  })
  label?: string | null;
  @ApiPropertyOptional(customer('addresses.firstName', 'First name on the label.'))
  firstName?: string;
  @ApiPropertyOptional(customer('addresses.lastName', 'Last name on the label.'))
  lastName?: string;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    ...customer('addresses.company', 'Company on the label.'),
  })
  company?: string | null;
  @ApiPropertyOptional(customer('addresses.street', 'Street.'))
  street?: string;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    ...customer('addresses.houseNumber', 'House number.'),
  })
  houseNumber?: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    ...customer('addresses.addressLine2', 'Address line 2.'),
  })
  addressLine2?: string | null;
  @ApiPropertyOptional(customer('addresses.postalCode', 'Postal code.'))
  postalCode?: string;
  @ApiPropertyOptional(customer('addresses.city', 'City.'))
  city?: string;
  @ApiPropertyOptional(customer('addresses.country', 'ISO 3166-1 alpha-2 country.'))
  country?: string;
  @ApiPropertyOptional(customer('addresses.isDefaultDelivery', 'Default delivery address.'))
  isDefaultDelivery?: boolean;
  @ApiPropertyOptional(customer('addresses.isDefaultBilling', 'Default billing address.'))
  isDefaultBilling?: boolean;
  @ApiPropertyOptional({ type: String, format: 'date-time', ...customer('addresses.createdAt', 'Added at.') })
  createdAt?: Date;
}

/** A customer as the back office shows it: each field only to the roles named in its description. */
export class CustomerDto {
  @ApiPropertyOptional({ format: 'uuid', ...customer('id', 'Customer id.') })
  id?: string;
  @ApiPropertyOptional(customer('email', 'Email address.'))
  email?: string;
  @ApiPropertyOptional(customer('firstName', 'First name.'))
  firstName?: string;
  @ApiPropertyOptional(customer('lastName', 'Last name.'))
  lastName?: string;
  @ApiPropertyOptional({ nullable: true, type: String, ...customer('phone', 'Phone number (voluntary).') })
  phone?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, ...customer('company', 'Company (voluntary).') })
  company?: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    format: 'date',
    ...customer('dateOfBirth', 'Date of birth, where given for a credit check.'),
  })
  dateOfBirth?: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', ...customer('createdAt', 'Registered at.') })
  createdAt?: Date;
  @ApiPropertyOptional({ type: String, format: 'date-time', ...customer('updatedAt', 'Last changed at.') })
  updatedAt?: Date;
  @ApiPropertyOptional({ type: [CustomerAddressDto], ...customer('addresses', 'Address book.') })
  addresses?: CustomerAddressDto[];
}

export class CustomerPageDto {
  @ApiProperty({ type: [CustomerDto] })
  items!: CustomerDto[];

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as cursor for the next page; null at the end.',
  })
  nextCursor!: string | null;
}
