import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Length, Matches, MaxLength, ValidateIf } from 'class-validator';
import { MIN_PASSWORD_LENGTH } from '../../../common/auth/passwords.js';
import { IsAcceptablePassword } from '../password-policy.validator.js';
import { fieldDoc } from '../registration.declarations.js';
import { IsPlausibleBirthDate } from './plausible-birth-date.validator.js';
import { PHONE, Trim } from './text.js';

/** The account as its owner sees it: never the password hash. */
export class ProfileDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'erika@example.org' })
  email!: string;

  @ApiProperty({ example: 'Erika' })
  firstName!: string;

  @ApiProperty({ example: 'Mustermann' })
  lastName!: string;

  @ApiProperty({ nullable: true, type: String, example: '+49 2154 000000' })
  phone!: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date', example: null })
  dateOfBirth!: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  company!: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: Date;
}

const MANDATORY = 'Mandatory: may be changed, not removed.';
const REMOVABLE = 'null removes it.';

/**
 * PATCH /api/v1/shop/me: rectification (Art. 16). Only the fields sent change; a mandatory field
 * cannot be set to null, a voluntary one can (the person may take back what they gave freely).
 * The password changes through POST /api/v1/shop/me/password.
 */
export class UpdateProfileDto {
  @ApiPropertyOptional({
    description: `${fieldDoc('email')} ${MANDATORY} Must not belong to another account.`,
  })
  @ValidateIf((o: UpdateProfileDto) => o.email !== undefined)
  @Trim()
  @IsEmail({}, { message: '$property must be an email address' })
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ description: `${fieldDoc('name')} ${MANDATORY}`, minLength: 1, maxLength: 100 })
  @ValidateIf((o: UpdateProfileDto) => o.firstName !== undefined)
  @Trim()
  @IsString()
  @Length(1, 100)
  firstName?: string;

  @ApiPropertyOptional({ description: `${fieldDoc('name')} ${MANDATORY}`, minLength: 1, maxLength: 100 })
  @ValidateIf((o: UpdateProfileDto) => o.lastName !== undefined)
  @Trim()
  @IsString()
  @Length(1, 100)
  lastName?: string;

  @ApiPropertyOptional({ description: `${fieldDoc('phone')} ${REMOVABLE}`, nullable: true, type: String })
  @IsOptional()
  @Trim()
  @IsString()
  @Matches(PHONE, { message: '$property must be a phone number (digits, spaces, + - / . ( ))' })
  phone?: string | null;

  @ApiPropertyOptional({
    description: `${fieldDoc('dateOfBirth')} ${REMOVABLE}`,
    nullable: true,
    type: String,
    format: 'date',
  })
  @IsOptional()
  @IsPlausibleBirthDate()
  dateOfBirth?: string | null;

  @ApiPropertyOptional({ description: `${fieldDoc('company')} ${REMOVABLE}`, nullable: true, type: String })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 200)
  company?: string | null;
}

export class ChangePasswordDto {
  @ApiProperty({ format: 'password', description: 'The password in use now' })
  @IsString()
  @Length(1, 256)
  currentPassword!: string;

  @ApiProperty({
    format: 'password',
    minLength: MIN_PASSWORD_LENGTH,
    maxLength: 256,
    description: `At least ${MIN_PASSWORD_LENGTH} characters, not a commonly breached password, not the current one. Every other session ends.`,
  })
  @IsString()
  @IsAcceptablePassword()
  newPassword!: string;
}
