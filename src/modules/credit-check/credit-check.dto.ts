import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { METHODS_WITHOUT_CREDIT_RISK } from './credit-approval.port.js';
import { CREDIT_CHECK_STATUSES } from './credit-check.entities.js';
import { REVIEW_COMMENT_MAX_LENGTH } from './credit-check.service.js';
import { REVIEW_REASON_MAX_LENGTH, REVIEW_REASON_MIN_LENGTH } from './credit-review.service.js';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

// ---- requests -------------------------------------------------------------------------------------------

export class ReviewRequestDto {
  @ApiPropertyOptional({
    description:
      'Your point of view (Art. 22(3) GDPR): why the decision should be reviewed, e.g. a recent move. Voluntary; ' +
      'read only by the staff member who reviews the check and erased with it.',
    maxLength: REVIEW_COMMENT_MAX_LENGTH,
    example: 'I moved to this address last month; my previous address was in the same town.',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(REVIEW_COMMENT_MAX_LENGTH)
  comment?: string;
}

export class ObjectionDto {
  @ApiPropertyOptional({
    description: 'Guests only (with X-Order-Token): the id of the order the token belongs to.',
    maxLength: 100,
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  orderId?: string;
}

export class GuestOrderQuery {
  @ApiPropertyOptional({
    description: 'Guests only (with X-Order-Token): the id of the order the token belongs to.',
    maxLength: 100,
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  orderId?: string;
}

export class ReviewDecisionDto {
  @ApiProperty({
    enum: ['approve', 'decline'],
    description: 'approve: the order may be paid with the method it chose; decline: the decline stands.',
  })
  @IsIn(['approve', 'decline'])
  decision!: 'approve' | 'decline';

  @ApiProperty({
    description:
      'The written reason for the decision (shown to the person and kept with the review). Write what was ' +
      'considered, without data beyond what the check needs.',
    minLength: REVIEW_REASON_MIN_LENGTH,
    maxLength: REVIEW_REASON_MAX_LENGTH,
    example: 'Customer has paid three earlier invoices on time; the red result stems from a former address.',
  })
  @Transform(trim)
  @IsString()
  @MinLength(REVIEW_REASON_MIN_LENGTH)
  @MaxLength(REVIEW_REASON_MAX_LENGTH)
  reason!: string;
}

export class ReviewListQuery {
  @ApiPropertyOptional({
    enum: ['open', 'decided', 'all'],
    default: 'open',
    description: 'open: waiting for a decision (oldest first).',
  })
  @IsOptional()
  @IsIn(['open', 'decided', 'all'])
  status: 'open' | 'decided' | 'all' = 'open';

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;
}

// ---- answers (for the OpenAPI document) -----------------------------------------------------------------

export class ReviewViewDto {
  @ApiProperty() requestedAt!: Date;
  @ApiProperty({ nullable: true, type: String, description: "The person's comment" }) comment!: string | null;
  @ApiProperty({ nullable: true, type: Date }) decidedAt!: Date | null;
  @ApiProperty({ nullable: true, enum: ['approved', 'declined'] }) decision!: string | null;
  @ApiProperty({ nullable: true, type: String, description: "The reviewer's written reason" }) reason!:
    string | null;
}

export class CreditCheckViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() orderId!: string;
  @ApiProperty({ enum: ['sepa_debit', 'invoice'] }) paymentMethod!: string;
  @ApiProperty({ description: 'Order total in minor units (cents)' }) totalCents!: number;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ description: 'The credit agency asked' }) agency!: string;
  @ApiProperty({
    nullable: true,
    enum: ['green', 'yellow', 'red'],
    description: "The agency's traffic light",
  })
  result!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: "The agency's score, where it gave one" })
  score!: number | null;
  @ApiProperty({ enum: ['answered', 'agency-unavailable', 'date-of-birth-required'] }) outcome!: string;
  @ApiProperty({ description: 'Whether the date of birth was sent (the shop does not store it)' })
  dateOfBirthSent!: boolean;
  @ApiProperty({ enum: CREDIT_CHECK_STATUSES }) status!: string;
  @ApiProperty() explanation!: string;
  @ApiProperty({ enum: METHODS_WITHOUT_CREDIT_RISK, isArray: true, description: 'Methods offered instead' })
  offerMethods!: string[];
  @ApiProperty({ description: 'Whether a human review can still be asked for' }) reviewAvailable!: boolean;
  @ApiProperty() requestedAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) answeredAt!: Date | null;
  @ApiProperty({ description: 'When the shop erases this check' }) deleteAfter!: Date;
  @ApiProperty({ nullable: true, type: ReviewViewDto }) review!: ReviewViewDto | null;
  @ApiProperty({ description: 'Meaningful information about the logic involved (Art. 15(1)(h) GDPR)' })
  logic!: string;
}

export class ObjectionViewDto {
  @ApiProperty({ example: 'credit-check' }) activity!: string;
  @ApiProperty() objected!: boolean;
  @ApiProperty({ enum: METHODS_WITHOUT_CREDIT_RISK, isArray: true }) offerMethods!: string[];
  @ApiProperty() explanation!: string;
}

export class CreditReviewViewDto {
  @ApiProperty({ format: 'uuid' }) checkId!: string;
  @ApiProperty() orderId!: string;
  @ApiProperty({ description: 'Data-subject id (never a name or email)' }) subjectId!: string;
  @ApiProperty({ enum: ['sepa_debit', 'invoice'] }) paymentMethod!: string;
  @ApiProperty() totalCents!: number;
  @ApiProperty() currency!: string;
  @ApiProperty() agency!: string;
  @ApiProperty({ enum: ['answered', 'agency-unavailable', 'date-of-birth-required'] }) outcome!: string;
  @ApiProperty({ nullable: true, enum: ['green', 'yellow', 'red'] }) result!: string | null;
  @ApiProperty({ nullable: true, type: Number }) score!: number | null;
  @ApiProperty() dateOfBirthSent!: boolean;
  @ApiProperty() checkedAt!: Date;
  @ApiProperty({ enum: CREDIT_CHECK_STATUSES }) status!: string;
  @ApiProperty({ description: 'When the person asked for the review' }) requestedAt!: Date;
  @ApiProperty({ nullable: true, type: String }) comment!: string | null;
  @ApiProperty({ nullable: true, type: Date }) decidedAt!: Date | null;
  @ApiProperty({ nullable: true, enum: ['approved', 'declined'] }) decision!: string | null;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Staff id of the reviewer' }) reviewerId!:
    string | null;
}
