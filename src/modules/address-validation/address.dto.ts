import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * An address as the storefront sends it (the one address shape of the API). Every field is optional here on purpose: a
 * missing one is reported in the validation result's `errors`, with the other findings, instead of
 * a bare 400.
 */
export class AddressToValidateDto {
  @ApiPropertyOptional({ example: 'Erika', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  firstName?: string | null;

  @ApiPropertyOptional({ example: 'Mustermann', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  lastName?: string | null;

  @ApiPropertyOptional({ example: null, nullable: true, maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  company?: string | null;

  @ApiPropertyOptional({ example: 'Siemensring', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  street?: string | null;

  @ApiPropertyOptional({ example: '98', maxLength: 20, description: 'Required separately for DE and AT.' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  houseNumber?: string | null;

  @ApiPropertyOptional({ example: null, nullable: true, maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  addressLine2?: string | null;

  @ApiPropertyOptional({ example: '47877', maxLength: 12 })
  @IsOptional()
  @IsString()
  @MaxLength(12)
  postalCode?: string | null;

  @ApiPropertyOptional({ example: 'Willich', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  city?: string | null;

  @ApiPropertyOptional({ example: 'DE', description: 'ISO 3166-1 alpha-2', maxLength: 2 })
  @IsOptional()
  @IsString()
  @MaxLength(2)
  country?: string | null;

  @ApiPropertyOptional({
    example: '+49 2154 000000',
    description: 'Normalised to E.164 when valid.',
    maxLength: 40,
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string | null;
}
