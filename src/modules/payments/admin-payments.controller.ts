import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StaffAuthGuard, StaffRoles } from '../../common/auth/auth.guards.js';
import { ActiveStaffGuard } from '../back-office/index.js';
import { PaymentAdmin, type FlagView, type RefundView } from './payment-admin.service.js';
import type { PaymentView } from './payment-records.js';
import {
  FlagDto,
  FlagsQueryDto,
  PaymentDto,
  PaymentsQueryDto,
  RefundDto,
  RefundResponseDto,
  ResolveFlagDto,
  SettlementDto,
} from './payments.dto.js';
import { field } from './payments.problems.js';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,200}$/;

/** Staff work on payments: ids, states and amounts only (no name, email, address or IBAN is shown here). */
@ApiTags('payments (admin)')
@ApiBearerAuth()
@UseGuards(StaffAuthGuard, ActiveStaffGuard)
@Controller('api/v1/admin/payments')
export class AdminPaymentsController {
  constructor(private readonly admin: PaymentAdmin) {}

  @Get('flags')
  @StaffRoles('support', 'admin')
  @ApiOperation({
    summary:
      'Payments the shop did not accept as reported: amount or currency mismatch, unknown payment, order not payable',
  })
  @ApiOkResponse({ type: [FlagDto] })
  flags(@Query() query: FlagsQueryDto): Promise<FlagView[]> {
    return this.admin.flags(query.state ?? 'open', query.limit ?? 100, query.orderId);
  }

  @Post('flags/:flagId/resolution')
  @HttpCode(200)
  @StaffRoles('support', 'admin')
  @ApiOperation({ summary: 'Resolve a flag, saying how (the staff member is recorded by id)' })
  @ApiOkResponse({ type: FlagDto })
  resolve(@Param('flagId') flagId: string, @Body() body: ResolveFlagDto): Promise<FlagView> {
    return this.admin.resolveFlag(flagId, body.resolution);
  }

  @Get()
  @StaffRoles('support', 'admin')
  @ApiOperation({ summary: "An order's payments (blocked ones left out)" })
  @ApiOkResponse({ type: [PaymentDto] })
  payments(@Query() query: PaymentsQueryDto): Promise<PaymentView[]> {
    return this.admin.payments(query.orderId);
  }

  @Post(':paymentId/settlement')
  @HttpCode(200)
  @StaffRoles('admin')
  @ApiOperation({
    summary:
      'Record that the bank received a SEPA direct debit or an invoice transfer: the order is marked paid',
    description:
      'The amount and currency must equal the payment (422 otherwise); recording again changes nothing.',
  })
  @ApiOkResponse({ type: PaymentDto })
  settle(@Param('paymentId') paymentId: string, @Body() body: SettlementDto): Promise<PaymentView> {
    return this.admin.settle(paymentId, body);
  }

  @Post(':paymentId/refunds')
  @HttpCode(200)
  @StaffRoles('support', 'admin')
  @ApiOperation({
    summary: 'Refund (part of) a card or PayPal payment through its provider',
    description:
      'Idempotency-Key is required: the same key answers the same refund. Move the order to refunded separately.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: 'A new random value (a UUID) per refund.',
  })
  @ApiOkResponse({ type: RefundResponseDto })
  refund(
    @Param('paymentId') paymentId: string,
    @Body() body: RefundDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<RefundView> {
    if (!idempotencyKey || !IDEMPOTENCY_KEY.test(idempotencyKey))
      throw field(
        'Idempotency-Key',
        'is required: 8 to 200 characters, letters, digits, "-", "_", ":" or "."',
      );
    return this.admin.refund(paymentId, body.amountCents, idempotencyKey);
  }
}
