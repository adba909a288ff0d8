import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

export class RegisterPracticeDto {
  @ApiProperty({
    description: "The practice's name, unique among partners.",
    example: 'Hautarztpraxis Willich',
  })
  @IsString()
  @Length(2, 120)
  name!: string;

  @ApiPropertyOptional({ description: "Name of the practice's technical contact (voluntary).", type: String })
  @IsOptional()
  @IsString()
  @Length(1, 120)
  contactName?: string | null;

  @ApiPropertyOptional({
    description: "Work email of the practice's technical contact (voluntary).",
    type: String,
  })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  contactEmail?: string | null;
}

export class RegisterDeviceDto {
  @ApiProperty({
    description: "The device's serial number (unique, case-insensitive).",
    example: 'DS200-004711',
  })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/, {
    message: 'serialNumber must be 3-64 letters, digits, dots, dashes or underscores',
  })
  serialNumber!: string;
}
