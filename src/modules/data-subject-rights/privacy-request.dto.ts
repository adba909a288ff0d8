import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';

export const REQUEST_TYPES = ['access', 'portability', 'erasure', 'restriction', 'objection'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export class PrivacyRequestDto {
  @ApiProperty({
    enum: REQUEST_TYPES,
    description:
      'access (Art. 15): the answer with a copy of the data; portability (Art. 20): the data as JSON; erasure (Art. 17); ' +
      'restriction (Art. 18); objection (Art. 21) to one activity based on legitimate interests, or to all of them. ' +
      'Rectification (Art. 16) is PATCH /api/v1/shop/me.',
  })
  @IsIn(REQUEST_TYPES)
  type!: RequestType;

  @ApiPropertyOptional({
    description: 'For an objection: the activity objected to (see the Art. 30 record); omit for all.',
    example: 'credit-check',
  })
  @ValidateIf((r: PrivacyRequestDto) => r.type === 'objection' && r.activity !== undefined)
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{1,63}$/, { message: 'activity must be an activity id such as credit-check' })
  activity?: string;

  @ApiPropertyOptional({
    description: 'For a restriction: why (e.g. the accuracy is contested).',
    maxLength: 500,
  })
  @IsOptional()
  @IsString()
  @Length(3, 500)
  reason?: string;
}
