import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class ConsentStateDto {
  @ApiProperty({ example: 'marketing-email' })
  purpose!: string;

  @ApiProperty({ description: 'Whether consent is given now' })
  granted!: boolean;

  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'When the current state began',
  })
  since!: Date | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The wording version of the last grant (or of the grant a withdrawal ended)',
  })
  wordingVersion!: string | null;

  @ApiProperty({ description: 'Whether the shop offers this consent here (others can only be withdrawn)' })
  offered!: boolean;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The current wording version to show and send back with a grant',
  })
  currentWordingVersion!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'The current text the person agrees to' })
  currentWording!: string | null;
}

export class ConsentListDto {
  @ApiProperty({ type: [ConsentStateDto] })
  consents!: ConsentStateDto[];
}

/**
 * Grant or withdraw one purpose. A grant names the wording version the person was shown, so the
 * ledger can prove what they agreed to; withdrawing needs nothing more than the purpose (Art. 7(3)).
 */
export class ChangeConsentDto {
  @ApiProperty({ example: 'marketing-email' })
  @IsString()
  @Matches(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { message: '$property must be a consent purpose id' })
  @MaxLength(100)
  purpose!: string;

  @ApiProperty({ enum: ['grant', 'withdraw'] })
  @IsIn(['grant', 'withdraw'])
  action!: 'grant' | 'withdraw';

  @ApiPropertyOptional({
    description: 'Required to grant: the wording version the person was shown (GET /api/v1/shop/consents)',
    example: 'marketing-email-2025-01',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  wordingVersion?: string;
}
