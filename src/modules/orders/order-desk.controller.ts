import { Controller, Get, Header, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { StaffAuthGuard, StaffRoles } from '../../common/auth/auth.guards.js';
import { StaffView, type Page } from '../../common/masking/index.js';
import { ActiveStaffGuard } from '../back-office/index.js';
import { OrderDesk, renderPackingSlip, type StaffOrderRecord } from './order-desk.js';
import { ORDER_STATUSES, type OrderStatus } from './order-state-machine.js';

export class OrderQueueQuery {
  @ApiPropertyOptional({ enum: ORDER_STATUSES, default: 'paid' })
  @IsOptional()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatus;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

const orderView = { subject: (o: StaffOrderRecord) => o.subjectId, activity: 'order-processing' };

/**
 * Reading orders in the back office. Every answer is masked per role by @StaffView (fulfilment: name,
 * delivery address and items; never email, phone, payment or credit data) and every read is audited.
 */
@ApiTags('admin: orders')
@ApiBearerAuth()
@Controller('api/v1/admin/orders')
@UseGuards(StaffAuthGuard, ActiveStaffGuard)
export class OrderDeskController {
  constructor(private readonly desk: OrderDesk) {}

  @Get()
  @StaffRoles('fulfilment', 'support', 'privacy-officer', 'admin')
  @StaffView('order', orderView)
  @ApiOperation({ summary: 'Orders of one status, oldest first (the fulfilment queue), masked by role' })
  list(@Query() query: OrderQueueQuery): Promise<Page<StaffOrderRecord>> {
    return this.desk.list(query.status ?? 'paid', query.cursor, query.limit);
  }

  @Get(':id')
  @StaffRoles('fulfilment', 'support', 'privacy-officer', 'admin')
  @StaffView('order', orderView)
  @ApiOperation({ summary: 'One order, masked by role' })
  one(@Param('id') id: string): Promise<StaffOrderRecord> {
    return this.desk.one(id);
  }

  @Get(':id/packing-slip')
  @StaffRoles('fulfilment', 'admin')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'The packing slip: order number, recipient and items only' })
  async packingSlip(@Param('id') id: string): Promise<string> {
    return renderPackingSlip(await this.desk.packingSlip(id));
  }
}
