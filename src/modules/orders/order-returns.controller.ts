import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal, StaffAuthGuard, StaffRoles } from '../../common/auth/auth.guards.js';
import type { TokenClaims } from '../../common/auth/token.service.js';
import { ActiveStaffGuard } from '../back-office/index.js';
import { OrderReturns, type ReturnView } from './order-returns.js';
import { ReceiveReturnDto, ReturnsQueryDto } from './order-returns.dto.js';

const staffActor = (p: TokenClaims) => ({
  type: 'staff' as const,
  id: p.sub,
  ...(p.role ? { role: p.role } : {}),
});

/**
 * The returns desk: withdrawals declared by buyers, received and inspected by fulfilment, refunded
 * by support. The buyer declares on POST /api/v1/shop/orders/:id/withdrawals.
 */
@ApiTags('admin: returns')
@ApiBearerAuth()
@Controller('api/v1/admin/returns')
@UseGuards(StaffAuthGuard, ActiveStaffGuard)
export class ReturnsAdminController {
  constructor(private readonly returns: OrderReturns) {}

  @Get()
  @StaffRoles('fulfilment', 'support', 'admin')
  @ApiOperation({ summary: 'Returns, oldest first; ?status=requested|received|refunded' })
  @ApiOkResponse({ description: 'The returns (no names or addresses; reads are audited).' })
  async list(@Query() query: ReturnsQueryDto): Promise<{ returns: ReturnView[] }> {
    return { returns: await this.returns.list(query.status) };
  }

  @Post(':id/receipt')
  @HttpCode(200)
  @StaffRoles('fulfilment', 'support', 'admin')
  @ApiOperation({
    summary: 'The returned parcel arrived: record the inspection of every line (restock or scrap)',
    description:
      'requested → received. Restocked pieces go back to stock; the buyer is told the return arrived. ' +
      '409 when the return was received already; 400 naming lines[i].lineNo for a line not in the return.',
  })
  async receive(
    @Param('id') id: string,
    @Body() dto: ReceiveReturnDto,
    @Principal() principal: TokenClaims,
  ): Promise<ReturnView> {
    return this.returns.receive(id.toLowerCase(), staffActor(principal), dto.lines, dto.note);
  }

  @Post(':id/refund')
  @HttpCode(200)
  @StaffRoles('support', 'admin')
  @ApiOperation({
    summary:
      'Refund a received return: the lines with their own VAT, the delivery charge with the last lines',
    description:
      'received → refunded. The order moves to partially_refunded, or refunded when every line is back; the ' +
      'payment is refunded through its provider by a job, a credit note is requested, the buyer is told. 409 ' +
      'before the return is received or once it is refunded.',
  })
  async refund(@Param('id') id: string, @Principal() principal: TokenClaims): Promise<ReturnView> {
    return this.returns.refund(id.toLowerCase(), staffActor(principal));
  }
}
