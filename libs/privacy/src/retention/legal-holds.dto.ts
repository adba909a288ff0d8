import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsDateString,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
  ValidatorConstraint,
  Validate,
  type ValidatorConstraintInterface,
} from 'class-validator';
import type { LegalHold } from './legal-holds.service.js';

/** Rejects a scope with no criterion, and a time range whose end lies before its start. */
@ValidatorConstraint({ name: 'legalHoldScope' })
class MeaningfulScope implements ValidatorConstraintInterface {
  validate(scope: unknown): boolean {
    if (typeof scope !== 'object' || scope === null) return false;
    const s = scope as LegalHoldScopeDto;
    const criteria = [s.activityId, s.subjectId, s.recordType, s.from, s.to].some((v) => v !== undefined);
    if (!criteria && !(Array.isArray(s.recordIds) && s.recordIds.length > 0)) return false;
    return !(s.from && s.to && Date.parse(s.from) > Date.parse(s.to));
  }

  defaultMessage(): string {
    return 'needs at least one criterion, and "from" not after "to"';
  }
}

export class LegalHoldScopeDto {
  @ApiPropertyOptional({ description: 'Processing activity id (registry)', example: 'access-log' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  activityId?: string;

  @ApiPropertyOptional({ description: 'Data subject id' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  subjectId?: string;

  @ApiPropertyOptional({ description: 'Record type, as modules name them', example: 'order' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_.:-]{0,99}$/, { message: 'must be a record type name (lower case)' })
  recordType?: string;

  @ApiPropertyOptional({ type: [String], description: 'Only these records (ids as text)' })
  @IsOptional()
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  recordIds?: string[];

  @ApiPropertyOptional({ description: 'Records that occurred at or after (ISO 8601)' })
  @IsOptional()
  @IsDateString({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Records that occurred at or before (ISO 8601)' })
  @IsOptional()
  @IsDateString({ strict: true })
  to?: string;
}

export class CreateLegalHoldDto {
  @ApiProperty({
    type: LegalHoldScopeDto,
    description: 'What the hold covers; every criterion given must match',
  })
  @ValidateNested()
  @Type(() => LegalHoldScopeDto)
  @Validate(MeaningfulScope)
  scope!: LegalHoldScopeDto;

  @ApiProperty({ description: 'Why the records must be kept (incident, litigation, open tax assessment)' })
  @IsString()
  @Matches(/\S/, { message: 'must not be blank' })
  @Length(1, 2000)
  reason!: string;
}

export class ListLegalHoldsQuery {
  @ApiPropertyOptional({ enum: ['active', 'released'] })
  @IsOptional()
  @IsIn(['active', 'released'])
  status?: 'active' | 'released';
}

/** The hold as the API shows it. */
export interface LegalHoldView {
  id: string;
  scope: {
    activityId?: string;
    subjectId?: string;
    recordType?: string;
    recordIds?: string[];
    from?: string;
    to?: string;
  };
  reason: string;
  active: boolean;
  createdBy: { type: string; id: string };
  createdAt: string;
  releasedBy: { type: string; id: string } | null;
  releasedAt: string | null;
}

export function toView(hold: LegalHold): LegalHoldView {
  const { from, to, ...rest } = hold.scope;
  return {
    id: hold.id,
    scope: {
      ...rest,
      ...(from ? { from: from.toISOString() } : {}),
      ...(to ? { to: to.toISOString() } : {}),
    },
    reason: hold.reason,
    active: hold.active,
    createdBy: hold.createdBy,
    createdAt: hold.createdAt.toISOString(),
    releasedBy: hold.releasedBy,
    releasedAt: hold.releasedAt ? hold.releasedAt.toISOString() : null,
  };
}
