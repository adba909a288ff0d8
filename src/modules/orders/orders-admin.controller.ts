import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal, StaffAuthGuard, StaffRoles } from '../../common/auth/auth.guards.js';
import { ActiveStaffGuard } from '../back-office/index.js';
import type { TokenClaims } from '../../common/auth/token.service.js';
import { StaffOrderActions } from './staff-order-actions.js';
import {
  RecordPaymentDto,
  RecordPaymentResponse,
  TransitionDto,
  TransitionResponse,
} from './transition.dto.js';

const staffActor = (p: TokenClaims) => ({
  type: 'staff' as const,
  id: p.sub,
  ...(p.role ? { role: p.role } : {}),
});

/**
 * Staff moves of an order. The answers carry no personal data (id, number, statuses), so they
 * need no access audit; reading orders (the fulfilment list, packing slips) is the back office's.
 */
@ApiTags('admin: orders')
@ApiBearerAuth()
@Controller('api/v1/admin/orders')
@UseGuards(StaffAuthGuard, ActiveStaffGuard)
export class OrdersAdminController {
  constructor(private readonly actions: StaffOrderActions) {}

  @Post(':id/transitions')
  @HttpCode(200)
  @StaffRoles('fulfilment', 'support', 'admin')
  @ApiOperation({
    summary: 'Move an order to its next status',
    description:
      'fulfilment and admin: picking, packed, handed_to_carrier, delivered; support and admin: cancelled (releases ' +
      'stock), refunded. A move the state machine forbids is a 409 naming from and to; a role that may not make it, 403.',
  })
  @ApiOkResponse({ type: TransitionResponse })
  async transition(
    @Param('id') id: string,
    @Body() dto: TransitionDto,
    @Principal() principal: TokenClaims,
  ): Promise<TransitionResponse> {
    const result = await this.actions.transition(id, dto.to, staffActor(principal), dto.reason);
    return { id: result.id, number: result.number, previousStatus: result.from, status: result.to };
  }

  @Post(':id/payments')
  @HttpCode(200)
  @StaffRoles('admin')
  @ApiOperation({
    summary:
      'Record a payment received outside a payment provider (e.g. a bank transfer for an order on invoice)',
    description:
      'The amount and currency must equal the order total (422 otherwise). Marks the order paid and issues its ' +
      'invoice, exactly once: the same provider and reference again change nothing.',
  })
  @ApiOkResponse({ type: RecordPaymentResponse })
  async recordPayment(
    @Param('id') id: string,
    @Body() dto: RecordPaymentDto,
    @Principal() principal: TokenClaims,
  ): Promise<RecordPaymentResponse> {
    const result = await this.actions.recordPayment(id, dto, staffActor(principal));
    return {
      id: result.id,
      number: result.number,
      status: result.to,
      invoiceNumber: result.invoice.number,
      alreadyRecorded: result.alreadyRecorded,
    };
  }
}
