import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { unauthorized } from '../../common/auth/token.service.js';
import { notFound } from '../../common/problem/problem.js';
import { Checkout } from './checkout.js';
import { OwnOrdersQueryDto, PlaceOrderDto } from './order.dto.js';
import { OrderReader, type OwnOrderSummary } from './order-reader.js';
import { OrderParcels, type OrderParcel } from './order-tracking.js';
import { OrderCancellation, type CancellingBuyer } from './order-cancellation.js';
import { OrderSecrets } from './order-secrets.js';
import { OrderReturns, type ReturnView } from './order-returns.js';
import { DeclareWithdrawalDto } from './order-returns.dto.js';
import type { OrderView } from './order-view.js';
import { OptionalCustomerAuthGuard, OptionalCustomerId } from './optional-customer-auth.guard.js';

export type ShopOrderAnswer = OrderView & {
  totalCents: number;
  currency: string;
  /** Guests only: send it as `X-Order-Token` to GET /api/v1/shop/orders/:id. */
  accessToken?: string;
  accessTokenExpiresAt?: string;
};

@ApiTags('shop: orders')
@Controller('api/v1/shop/orders')
@UseGuards(OptionalCustomerAuthGuard)
export class OrdersController {
  constructor(
    private readonly checkout: Checkout,
    private readonly reader: OrderReader,
    private readonly secrets: OrderSecrets,
    private readonly parcels: OrderParcels,
    private readonly cancellation: OrderCancellation,
    private readonly returns: OrderReturns,
  ) {}

  /** The buyer acting on order `id`: the signed-in customer, or the guest holding its token. */
  private async buyer(
    id: string,
    customerId: string | undefined,
    orderToken: string | undefined,
  ): Promise<CancellingBuyer> {
    if (customerId) return { customerId };
    if (orderToken) {
      const granted = await this.secrets.verifyAccessToken(orderToken);
      if (granted !== id.toLowerCase()) throw notFound('The order');
      return { guestOrderId: granted };
    }
    throw unauthorized('Sign in, or send the X-Order-Token you received when you placed the order.');
  }

  @Post(':id/withdrawals')
  @ApiBearerAuth()
  @ApiHeader({
    name: 'X-Order-Token',
    required: false,
    description: 'A guest: the accessToken from checkout.',
  })
  @ApiOperation({
    summary: 'Withdraw from the purchase of some or all lines (consumers, 14 days from delivery, § 355 BGB)',
    description:
      'Send the goods back to the address in the withdrawal instructions; the refund follows once they arrive. ' +
      '409 withdrawal-period-expired after the 14 days, 409 withdrawal-not-open before packing (cancel instead), ' +
      '422 no-right-of-withdrawal for an order placed as a business, 400 naming lines[i].lineNo / .quantity for ' +
      "a line not in the order or more pieces than are left; 404 for someone else's order.",
  })
  @ApiCreatedResponse({ description: 'The withdrawal is recorded (status requested).' })
  async withdraw(
    @Param('id') id: string,
    @Body() dto: DeclareWithdrawalDto,
    @OptionalCustomerId() customerId: string | undefined,
    @Headers('x-order-token') orderToken: string | undefined,
  ): Promise<ReturnView> {
    const buyer = await this.buyer(id, customerId, orderToken);
    return this.returns.declare(id.toLowerCase(), buyer, dto.lines);
  }

  @Post(':id/cancellation')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiHeader({
    name: 'X-Order-Token',
    required: false,
    description: 'A guest: the accessToken from checkout.',
  })
  @ApiOperation({
    summary: 'Cancel your order before it is packed',
    description:
      'Stock goes back; a paid order is refunded to the payment method used and its invoice is corrected by a ' +
      'credit note. 409 cancellation-too-late once the order is packed (withdraw after delivery instead); 404 ' +
      "for someone else's order.",
  })
  @ApiOkResponse({ description: 'The order is cancelled.' })
  async cancel(
    @Param('id') id: string,
    @OptionalCustomerId() customerId: string | undefined,
    @Headers('x-order-token') orderToken: string | undefined,
  ): Promise<{ id: string; number: string; status: string; previousStatus: string }> {
    const buyer = await this.buyer(id, customerId, orderToken);
    const moved = await this.cancellation.byBuyer(id.toLowerCase(), buyer);
    return { id: moved.id, number: moved.number, status: moved.to, previousStatus: moved.from };
  }

  @Get()
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Your own orders, newest first, with status and parcel tracking links (signed in only)',
    description:
      'Paginated with page (from 1) and pageSize (1-100, default 20). Guests follow an order with the ' +
      'X-Order-Token they received at checkout on GET /api/v1/shop/orders/:id.',
  })
  @ApiOkResponse({ description: 'A page of your orders.' })
  async list(
    @Query() query: OwnOrdersQueryDto,
    @OptionalCustomerId() customerId: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{
    page: number;
    pageSize: number;
    total: number;
    orders: (OwnOrderSummary & { parcels: OrderParcel[] })[];
  }> {
    if (!customerId) {
      throw unauthorized('Sign in to list your orders; a guest follows an order with its X-Order-Token.');
    }
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const { total, orders } = await this.reader.pageForCustomer(customerId, page, pageSize);
    const parcels = await this.parcels.of(orders.map((o) => o.id));
    void reply.header('cache-control', 'no-store');
    return { page, pageSize, total, orders: orders.map((o) => ({ ...o, parcels: parcels.get(o.id) ?? [] })) };
  }

  @Post()
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Place an order, as a guest (email required) or signed in (bearer token; no email)',
    description:
      'Validates both addresses (422 naming deliveryAddress.<field> / billingAddress.<field>, with suggestions), ' +
      'reserves stock (409 out-of-stock naming the SKUs), stores the normalised addresses. With Idempotency-Key, ' +
      'a retry answers 200 with the first order; the same key with another body is a 422. Guests receive an ' +
      'accessToken to read the order later.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A new random value (a UUID) per order.',
  })
  @ApiCreatedResponse({ description: 'The order was placed.' })
  @ApiOkResponse({ description: 'A retry with the same Idempotency-Key: the order placed first.' })
  async place(
    @Body() dto: PlaceOrderDto,
    @OptionalCustomerId() customerId: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ShopOrderAnswer> {
    const placed = await this.checkout.place(dto, {
      customerId,
      idempotencyKey,
      requestId: String(request.id),
    });
    void reply
      .status(placed.replayed ? 200 : 201)
      .header('location', `/api/v1/shop/orders/${placed.order.id}`)
      .header('cache-control', 'no-store');
    return {
      ...placed.order,
      totalCents: placed.order.totals.totalCents,
      currency: placed.order.totals.currency,
      ...(placed.access
        ? { accessToken: placed.access.token, accessTokenExpiresAt: placed.access.expiresAt.toISOString() }
        : {}),
    };
  }

  @Get(':id')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'One order: your own (bearer token) or a guest order (X-Order-Token from the checkout answer)',
    description: "Someone else's order, and an order kept only for statutory retention, answer 404.",
  })
  @ApiHeader({
    name: 'X-Order-Token',
    required: false,
    description: 'The accessToken a guest received at checkout.',
  })
  @ApiOkResponse({ description: 'The order.' })
  async get(
    @Param('id') id: string,
    @OptionalCustomerId() customerId: string | undefined,
    @Headers('x-order-token') orderToken: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ShopOrderAnswer> {
    let order: OrderView | null;
    if (customerId) {
      order = await this.reader.forCustomer(id, customerId);
    } else if (orderToken) {
      const granted = await this.secrets.verifyAccessToken(orderToken);
      order = granted === id.toLowerCase() ? await this.reader.forGuest(granted) : null;
    } else {
      throw unauthorized('Sign in, or send the X-Order-Token you received when you placed the order.');
    }
    if (!order) throw notFound('The order');
    void reply.header('cache-control', 'no-store');
    return { ...order, totalCents: order.totals.totalCents, currency: order.totals.currency };
  }
}
