import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { MIN_PASSWORD_LENGTH } from '../../../common/auth/passwords.js';
import { IsAcceptablePassword } from '../password-policy.validator.js';
import { fieldDoc, MARKETING_EMAIL_WORDING } from '../registration.declarations.js';
import { IsPlausibleBirthDate } from './plausible-birth-date.validator.js';
import { PHONE, Trim } from './text.js';

/** POST /api/v1/shop/customers. Mandatory and voluntary fields as REGISTRATION_CATEGORIES says. */
export class RegisterCustomerDto {
  @ApiProperty({
    description: fieldDoc('email', 'Compared case-insensitively; one account per address.'),
    example: 'erika@example.org',
    maxLength: 254,
    format: 'email',
  })
  @Trim()
  @IsEmail({}, { message: '$property must be an email address' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({
    description: fieldDoc(
      'password',
      `At least ${MIN_PASSWORD_LENGTH} characters; the most commonly breached passwords are refused.`,
    ),
    minLength: MIN_PASSWORD_LENGTH,
    maxLength: 256,
    format: 'password',
  })
  @IsString()
  @IsAcceptablePassword()
  password!: string;

  @ApiProperty({ description: fieldDoc('name'), example: 'Erika', minLength: 1, maxLength: 100 })
  @Trim()
  @IsString()
  @Length(1, 100)
  firstName!: string;

  @ApiProperty({ description: fieldDoc('name'), example: 'Mustermann', minLength: 1, maxLength: 100 })
  @Trim()
  @IsString()
  @Length(1, 100)
  lastName!: string;

  @ApiPropertyOptional({
    description: fieldDoc('phone'),
    example: '+49 2154 000000',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @Trim()
  @IsString()
  @Matches(PHONE, { message: '$property must be a phone number (digits, spaces, + - / . ( ))' })
  phone?: string | null;

  @ApiPropertyOptional({
    description: fieldDoc('dateOfBirth'),
    example: '1980-04-12',
    format: 'date',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsPlausibleBirthDate()
  dateOfBirth?: string | null;

  @ApiPropertyOptional({
    description: fieldDoc('company'),
    example: 'Hautarztpraxis Dr. Muster',
    maxLength: 200,
    nullable: true,
    type: String,
  })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 200)
  company?: string | null;

  @ApiPropertyOptional({
    description:
      'Voluntary, and not a condition of the account (Art. 7(4)): true records your consent to marketing emails ' +
      `in the consent ledger (purpose "marketing-email", wording ${MARKETING_EMAIL_WORDING.version}: ` +
      `"${MARKETING_EMAIL_WORDING.text}"). Withdraw it at any time with POST /api/v1/shop/consents.`,
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  marketingOptIn?: boolean;
}

export class RegistrationAcceptedDto {
  @ApiProperty({ enum: ['accepted'], description: 'The same for every well-formed registration' })
  status!: 'accepted';

  @ApiProperty({ description: 'What happens next' })
  message!: string;
}

class RegistrationFieldDto {
  @ApiProperty({ example: 'phone' })
  field!: string;

  @ApiProperty({ description: 'Whether the account can be opened without it' })
  required!: boolean;

  @ApiProperty({ enum: ['mandatory', 'voluntary'] })
  collection!: string;

  @ApiProperty({ description: 'The data category in the processing registry', example: 'contact.phone' })
  category!: string;

  @ApiProperty({ description: 'Why it is asked' })
  reason!: string;
}

class RegistrationConsentDto {
  @ApiProperty({ example: 'marketingOptIn' })
  field!: string;

  @ApiProperty({ example: 'marketing-email' })
  purpose!: string;

  @ApiProperty({ example: false })
  required!: boolean;

  @ApiProperty({ example: '6(1)(a)' })
  legalBasis!: string;

  @ApiProperty({ example: 'marketing-email-2025-01' })
  wordingVersion!: string;

  @ApiProperty({ description: 'The text the person agrees to' })
  wording!: string;
}

export class RegistrationFieldsDto {
  @ApiProperty({ example: 'registration' })
  activity!: string;

  @ApiProperty({ example: '6(1)(b)' })
  legalBasis!: string;

  @ApiProperty({ type: [String] })
  purposes!: string[];

  @ApiProperty({ type: [RegistrationFieldDto] })
  fields!: RegistrationFieldDto[];

  @ApiProperty({ type: [RegistrationConsentDto] })
  consents!: RegistrationConsentDto[];
}
