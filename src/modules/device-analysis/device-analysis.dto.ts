import { ApiProperty } from '@nestjs/swagger';
import { ArrayNotEmpty, ArrayUnique, IsArray, IsIn, Matches } from 'class-validator';
import { CONSENT_PURPOSES, type ConsentPurpose } from './upload-input.js';

export class WithdrawConsentDto {
  @ApiProperty({ description: 'The reference on the patient’s receipt.', example: 'R-2026-000471' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9-]{5,63}$/, { message: 'subjectReference must be a receipt reference' })
  subjectReference!: string;

  @ApiProperty({ enum: CONSENT_PURPOSES, isArray: true })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(CONSENT_PURPOSES, { each: true })
  purposes!: ConsentPurpose[];
}
