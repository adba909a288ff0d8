import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { notFound } from '../../common/problem/problem.js';
import { OrderGateway, type Payer, type PayableOrder } from './order-gateway.js';
import type { PaymentView } from './payment-records.js';
import { PaymentDto, StartPaymentDto } from './payments.dto.js';
import { PaymentsService } from './payments.service.js';
import { CurrentPayer, PayerGuard } from './payer.js';

const ORDER_TOKEN_HEADER = {
  name: 'X-Order-Token',
  required: false,
  description:
    'Guests: the accessToken received when placing the order (signed-in customers send their bearer token).',
};

@ApiTags('shop: payments')
@ApiBearerAuth()
@ApiHeader(ORDER_TOKEN_HEADER)
@UseGuards(PayerGuard)
@Controller('api/v1/shop/orders/:id/payments')
export class ShopPaymentsController {
  constructor(
    private readonly payments: PaymentsService,
    private readonly orders: OrderGateway,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Start paying the order with its payment method',
    description:
      'Card: answers the Stripe PaymentIntent client secret for Stripe.js. PayPal: answers the approval link; after ' +
      'the buyer approved, POST …/payments/capture. SEPA direct debit: needs sepaMandate (IBAN, account holder, ' +
      'accepted) and a passed credit check. Invoice: needs a passed credit check; answers the transfer reference. ' +
      'A declined credit check is a 422 naming the methods offered instead. With the same Idempotency-Key (or while ' +
      'the order has an open payment) the answer is the same payment again (200): nothing is created twice.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A new random value (a UUID) per payment attempt.',
  })
  @ApiCreatedResponse({ type: PaymentDto, description: 'The payment was started.' })
  @ApiOkResponse({ type: PaymentDto, description: 'The payment started earlier (same key, or still open).' })
  async start(
    @Param('id') id: string,
    @CurrentPayer() payer: Payer,
    @Body() body: StartPaymentDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PaymentView> {
    const order = await this.order(id, payer);
    const started = await this.payments.start(order, {
      idempotencyKey,
      sepaMandate: body.sepaMandate,
      dateOfBirth: body.dateOfBirth,
    });
    void reply.status(started.created ? 201 : 200).header('cache-control', 'no-store');
    return started.payment;
  }

  @Get()
  @ApiOperation({
    summary: "The order's payments, newest first (an open one with what the storefront needs to continue it)",
  })
  @ApiOkResponse({ type: [PaymentDto] })
  async list(
    @Param('id') id: string,
    @CurrentPayer() payer: Payer,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PaymentView[]> {
    const order = await this.order(id, payer);
    void reply.header('cache-control', 'no-store');
    return this.payments.list(order);
  }

  @Post('capture')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Take the money the buyer approved at PayPal (card: re-reads the payment from Stripe)',
    description:
      'Idempotent: capturing again answers the paid payment. 409 payment-not-approved before the buyer approved.',
  })
  @ApiOkResponse({ type: PaymentDto })
  async capture(
    @Param('id') id: string,
    @CurrentPayer() payer: Payer,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PaymentView> {
    const order = await this.order(id, payer);
    void reply.header('cache-control', 'no-store');
    return this.payments.capture(order);
  }

  private async order(id: string, payer: Payer): Promise<PayableOrder> {
    const order = await this.orders.find(id, payer);
    if (!order) throw notFound('The order');
    return order;
  }
}
