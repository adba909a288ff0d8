import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
  StreamableFile,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { StaffAuthGuard, StaffRoles } from '../../common/auth/auth.guards.js';
import { ActiveStaffGuard } from '../back-office/index.js';
import { ShipmentLifecycle } from './shipment-lifecycle.js';
import { ShipmentQueries } from './shipment-queries.js';
import {
  AssignShipmentDto,
  RetryShipmentDto,
  ShipmentDetailDto,
  ShipmentDto,
  ShipmentListQuery,
  ShipmentPageDto,
  TrackingDto,
  toShipmentDto,
} from './shipments-admin.dto.js';

/**
 * Shipments in the back office: the dead letters fulfilment must look at, a retry, the label for the
 * packing bench, the carrier's tracking status, the assignment to a partner. Answers hold no name or
 * address (those stay with the order); tracking numbers and labels are audited reads.
 */
@ApiTags('admin: shipments')
@ApiBearerAuth()
@Controller('api/v1/admin/shipments')
@UseGuards(StaffAuthGuard, ActiveStaffGuard)
@StaffRoles('fulfilment', 'admin')
export class ShipmentsAdminController {
  constructor(
    private readonly queries: ShipmentQueries,
    private readonly lifecycle: ShipmentLifecycle,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Shipments, newest first; ?status=dead_letter lists those that need staff',
    description:
      'Keyset-paginated (nextCursor). Dead letters carry the reason of their last failure (no personal data).',
  })
  @ApiOkResponse({ type: ShipmentPageDto })
  async list(@Query() query: ShipmentListQuery): Promise<ShipmentPageDto> {
    const page = await this.queries.list({ ...query, limit: query.limit ?? 50 });
    return { items: page.items.map(toShipmentDto), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One shipment with its log of attempts' })
  @ApiOkResponse({ type: ShipmentDetailDto })
  @ApiResponse({ status: 404, description: 'No such shipment (or it is blocked).' })
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<ShipmentDetailDto> {
    const shipment = await this.queries.get(id);
    const attempts = await this.queries.attempts(id);
    return {
      ...toShipmentDto(shipment),
      attemptLog: attempts.map((a) => ({
        attempt: a.attempt,
        startedAt: a.started_at,
        finishedAt: a.finished_at,
        outcome: a.outcome,
        httpStatus: a.http_status,
        error: a.error,
        durationMs: a.duration_ms,
      })),
    };
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Retry a dead-lettered shipment (as many attempts again as configured)',
    description:
      'The next attempt looks the order number up at the carrier first, so a shipment an earlier attempt created ' +
      'is adopted, not created twice; skipLookup only after checking at the carrier. 409 unless dead-lettered.',
  })
  @ApiOkResponse({ type: ShipmentDto })
  async retry(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: RetryShipmentDto,
  ): Promise<ShipmentDto> {
    return toShipmentDto(await this.lifecycle.retry(id, body.skipLookup === true));
  }

  @Put(':id/partner')
  @ApiOperation({
    summary: 'Assign the shipment to a partner (or none), who then sees it in the partner API',
    description:
      '422 when the partner is unknown, deactivated, or its recipient has no allow-list for carrier handoff.',
  })
  @ApiOkResponse({ type: ShipmentDto })
  async assign(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: AssignShipmentDto,
  ): Promise<ShipmentDto> {
    return toShipmentDto(await this.lifecycle.assign(id, body.partnerId));
  }

  @Get(':id/label')
  @Header('cache-control', 'no-store')
  @ApiProduces('application/pdf')
  @ApiOperation({ summary: "The carrier's label for printing (audited: it shows name and address)" })
  @ApiResponse({ status: 200, description: 'The label as the carrier returned it (PDF).' })
  @ApiResponse({
    status: 404,
    description: 'No such shipment, no label, or the label was erased after its period.',
  })
  async label(@Param('id', new ParseUUIDPipe()) id: string): Promise<StreamableFile> {
    const label = await this.queries.label(id);
    return new StreamableFile(label.content, {
      type: label.mediaType,
      disposition: `inline; filename="label-${label.orderNumber}.pdf"`,
      length: label.content.length,
    });
  }

  @Get(':id/tracking')
  @StaffRoles('fulfilment', 'support', 'admin')
  @ApiOperation({ summary: "The carrier's current tracking status of the shipment" })
  @ApiOkResponse({ type: TrackingDto })
  tracking(@Param('id', new ParseUUIDPipe()) id: string): Promise<TrackingDto> {
    return this.queries.tracking(id);
  }
}
