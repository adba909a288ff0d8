import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Principal, StaffAuthGuard, StaffRoles } from '../../common/auth/auth.guards.js';
import type { TokenClaims } from '../../common/auth/token.service.js';
import { ValidationProblem } from '../../common/problem/problem.js';
import { METHODS_WITHOUT_CREDIT_RISK } from './credit-approval.port.js';
import { CREDIT_CHECK_ACTIVITY_ID } from './credit-check.declarations.js';
import {
  CreditCheckViewDto,
  CreditReviewViewDto,
  GuestOrderQuery,
  ObjectionDto,
  ObjectionViewDto,
  ReviewDecisionDto,
  ReviewListQuery,
  ReviewRequestDto,
} from './credit-check.dto.js';
import { CreditCheckService, type CreditCheckView } from './credit-check.service.js';
import { CreditReviewService, type CreditReviewView } from './credit-review.service.js';
import {
  CurrentRequester,
  CustomerOrGuestGuard,
  RequesterSubjects,
  type Requester,
} from './shop-requester.js';

const checkId = new ParseUUIDPipe({
  exceptionFactory: () => new ValidationProblem([{ field: 'id', reason: 'must be a UUID' }]),
});

const guestOrderId = (requester: Requester, orderId: string | undefined): string => {
  if (requester.kind === 'customer') return '';
  if (!orderId)
    throw new ValidationProblem([
      { field: 'orderId', reason: 'is required with X-Order-Token (guest orders)' },
    ]);
  return orderId;
};

const ORDER_TOKEN_DOC = {
  name: 'X-Order-Token',
  required: false,
  description: 'Guests without an account: the access token of their order (instead of a bearer token).',
};

@ApiTags('shop: credit checks')
@ApiBearerAuth()
@ApiHeader(ORDER_TOKEN_DOC)
@UseGuards(CustomerOrGuestGuard)
@Controller('api/v1/shop/credit-checks')
export class CreditCheckShopController {
  constructor(
    private readonly checks: CreditCheckService,
    private readonly requesters: RequesterSubjects,
  ) {}

  @Get('objection')
  @ApiOperation({ summary: 'Whether you objected to credit checks (Art. 21 GDPR)' })
  @ApiOkResponse({ type: ObjectionViewDto })
  async objection(
    @CurrentRequester() requester: Requester,
    @Query() query: GuestOrderQuery,
  ): Promise<ObjectionViewDto> {
    const subject = await this.requesters.subjectFor(requester, guestOrderId(requester, query.orderId));
    return objectionView(await this.checks.hasObjected(subject));
  }

  @Post('objection')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Object to credit checks (Art. 21 GDPR)',
    description:
      'From now on no credit check is made about you: SEPA direct debit and invoice above the check amount are ' +
      'no longer offered, card and PayPal always are. Asking again changes nothing; DELETE withdraws it.',
  })
  @ApiOkResponse({ type: ObjectionViewDto })
  async object(
    @CurrentRequester() requester: Requester,
    @Body() body: ObjectionDto,
  ): Promise<ObjectionViewDto> {
    const subject = await this.requesters.subjectFor(requester, guestOrderId(requester, body.orderId));
    await this.checks.object(subject, requester.kind === 'guest' ? 'web-guest' : 'web');
    return objectionView(true);
  }

  @Delete('objection')
  @HttpCode(204)
  @ApiOperation({ summary: 'Withdraw your objection to credit checks' })
  @ApiNoContentResponse({ description: 'Credit checks may be made again for SEPA direct debit or invoice' })
  async withdrawObjection(
    @CurrentRequester() requester: Requester,
    @Query() query: GuestOrderQuery,
  ): Promise<void> {
    const subject = await this.requesters.subjectFor(requester, guestOrderId(requester, query.orderId));
    await this.checks.withdrawObjection(subject);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One of your credit checks: the result, the decision, the review and the logic involved',
  })
  @ApiOkResponse({ type: CreditCheckViewDto })
  @ApiNotFoundResponse({ description: 'No such check, or not yours' })
  async get(
    @Param('id', checkId) id: string,
    @CurrentRequester() requester: Requester,
  ): Promise<CreditCheckView> {
    const subject = await this.subjectForCheck(requester, id);
    return this.checks.viewForSubject(id, subject);
  }

  @Post(':id/review-requests')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Contest a declined credit check and ask a person to review it (Art. 22(3) GDPR)',
    description:
      'A member of staff reviews the check and decides with a written reason. Until then the order can be paid ' +
      'by card or PayPal. Asking again while the review is open answers the open review.',
  })
  @ApiCreatedResponse({ type: CreditCheckViewDto })
  @ApiNotFoundResponse({ description: 'No such check, or not yours' })
  @ApiConflictResponse({ description: 'The check allowed the method, or a review was already decided' })
  async requestReview(
    @Param('id', checkId) id: string,
    @CurrentRequester() requester: Requester,
    @Body() body: ReviewRequestDto,
  ): Promise<CreditCheckView> {
    const subject = await this.subjectForCheck(requester, id);
    return this.requesters.asSubject(requester, subject, () =>
      this.checks.requestReview(id, subject, body.comment),
    );
  }

  /** A guest's token opens the check's order; a customer is who they are (the service compares subjects). */
  private async subjectForCheck(requester: Requester, id: string): Promise<string> {
    if (requester.kind === 'customer') return requester.subjectId;
    return this.requesters.subjectFor(requester, await this.checks.orderOf(id));
  }
}

function objectionView(objected: boolean): ObjectionViewDto {
  return {
    activity: CREDIT_CHECK_ACTIVITY_ID,
    objected,
    offerMethods: [...METHODS_WITHOUT_CREDIT_RISK],
    explanation: objected
      ? 'No credit check is made about you. Orders can be paid by card or PayPal (and by SEPA direct debit or ' +
        'invoice only where no check is needed).'
      : 'Credit checks are made only for SEPA direct debit or invoice above a set amount.',
  };
}

@ApiTags('admin: credit checks')
@ApiBearerAuth()
@UseGuards(StaffAuthGuard)
@StaffRoles('support', 'privacy-officer')
@Controller('api/v1/admin/credit-checks')
export class CreditCheckAdminController {
  constructor(private readonly reviews: CreditReviewService) {}

  @Get('reviews')
  @ApiOperation({
    summary: 'Human reviews of contested credit checks, oldest first',
    description: 'Every subject whose review is listed gets an entry in the audit log (who read what).',
  })
  @ApiOkResponse({ type: CreditReviewViewDto, isArray: true })
  list(@Query() query: ReviewListQuery): Promise<CreditReviewView[]> {
    return this.reviews.list(query.status, query.limit);
  }

  @Post(':id/review')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Decide a contested credit check, with a written reason (audited)',
    description:
      'approve: the order may be paid with the method it chose (payments sees the check as approved); decline: ' +
      'the decline stands and card or PayPal stay on offer.',
  })
  @ApiOkResponse({ type: CreditReviewViewDto })
  @ApiNotFoundResponse({ description: 'No such credit check' })
  @ApiConflictResponse({ description: 'No review was asked for, or it is already decided' })
  decide(
    @Param('id', checkId) id: string,
    @Body() body: ReviewDecisionDto,
    @Principal() principal: TokenClaims,
  ): Promise<CreditReviewView> {
    return this.reviews.decide(id, body.decision, body.reason, {
      type: 'staff',
      id: principal.sub,
      ...(principal.role ? { role: principal.role } : {}),
    });
  }
}
