import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { STAFF_ROLES, type StaffRole } from '../../../common/auth/auth.guards.js';

/** Surrounding spaces of a pasted address are not part of it. */
const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

export class StaffLoginDto {
  @ApiProperty({ description: 'Work email address of the staff account.', example: 'anna@shop.example' })
  @Transform(trim)
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ description: 'Password.', format: 'password' })
  @IsString()
  @Length(1, 256)
  password!: string;
}

export class StaffSessionDto {
  @ApiProperty({ description: 'Bearer token for `Authorization: Bearer …` on /api/v1/admin/... routes.' })
  accessToken!: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType!: 'Bearer';

  @ApiProperty({
    description: 'Seconds until the token expires (STAFF_ACCESS_TOKEN_TTL_SECONDS); then sign in again.',
  })
  expiresIn!: number;

  @ApiProperty({
    enum: STAFF_ROLES,
    description: 'The role the token carries; it decides which fields are shown.',
  })
  role!: StaffRole;
}

export class ChangeStaffPasswordDto {
  @ApiProperty({ description: 'The current password.', format: 'password' })
  @IsString()
  @Length(1, 256)
  currentPassword!: string;

  @ApiProperty({
    description: 'The new password: at least 10 characters, not one of the most commonly breached passwords.',
    format: 'password',
  })
  @IsString()
  @MaxLength(256)
  newPassword!: string;
}

export class CreateStaffAccountDto {
  @ApiProperty({ description: 'Work email address; the sign-in name. Unique (case-insensitive).' })
  @Transform(trim)
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ description: 'Name shown in the back office.', example: 'Anna Berger' })
  @IsString()
  @Length(1, 120)
  displayName!: string;

  @ApiProperty({ enum: STAFF_ROLES, description: 'What the account may see and do.' })
  @IsIn(STAFF_ROLES)
  role!: StaffRole;

  @ApiProperty({
    description:
      'Initial password: at least 10 characters, not a commonly breached one. Hand it over in person; the ' +
      'employee changes it at POST /api/v1/admin/auth/password.',
    format: 'password',
  })
  @IsString()
  @MaxLength(256)
  password!: string;
}

export class UpdateStaffAccountDto {
  @ApiPropertyOptional({ enum: STAFF_ROLES, description: 'New role; takes effect on the next request.' })
  @IsOptional()
  @IsIn(STAFF_ROLES)
  role?: StaffRole;

  @ApiPropertyOptional({ description: 'New display name.' })
  @IsOptional()
  @IsString()
  @Length(1, 120)
  displayName?: string;

  @ApiPropertyOptional({
    description: 'false deactivates the account (access ends at once); true reactivates it.',
  })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class StaffAccountDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ nullable: true, type: String, description: 'null once the account is anonymised.' })
  email!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'null once the account is anonymised.' })
  displayName!: string | null;

  @ApiProperty({ enum: STAFF_ROLES })
  role!: StaffRole;

  @ApiProperty()
  active!: boolean;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  lastLoginAt!: Date | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  deactivatedAt!: Date | null;
}
