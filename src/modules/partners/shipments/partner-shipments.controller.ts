import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPartner, PartnerApi, PartnerScopes } from '../partner-auth.js';
import type { PartnerPrincipal } from '../partners.service.js';
import type { PartnerShipmentView } from './partner-shipment-views.js';
import {
  PartnerShipmentDto,
  PartnerShipmentPageDto,
  PartnerShipmentQuery,
  PartnerShipmentStateDto,
  PartnerStatusReportDto,
} from './partner-shipments.dto.js';
import {
  PartnerShipments,
  type PartnerShipmentPage,
  type PartnerShipmentState,
} from './partner-shipments.service.js';

const NOT_FOUND = 'No such shipment of this partner (whether or not another partner has it).';

/**
 * The shipments assigned to the calling partner (a logistics partner, or a carrier that pulls), with
 * only the fields its recipient's allow-list permits; every read is in the disclosure log and the
 * access audit log. Once a shipment is delivered plus PARTNER_PERSONAL_DATA_DAYS, its personal data is
 * no longer returned, and `personalData` says so.
 */
@ApiTags('partner')
@PartnerApi()
@Controller('api/v1/partner/shipments')
export class PartnerShipmentsController {
  constructor(private readonly shipments: PartnerShipments) {}

  @Get()
  @PartnerScopes('shipments:read')
  @ApiOperation({ summary: 'The shipments assigned to this partner, oldest first, cursor-paginated' })
  @ApiResponse({ status: 200, type: PartnerShipmentPageDto })
  list(
    @CurrentPartner() caller: PartnerPrincipal,
    @Query() query: PartnerShipmentQuery,
  ): Promise<PartnerShipmentPage> {
    return this.shipments.list(caller, { ...query, limit: query.limit ?? 50 });
  }

  @Get(':id')
  @PartnerScopes('shipments:read')
  @ApiOperation({ summary: 'One shipment of this partner' })
  @ApiResponse({ status: 200, type: PartnerShipmentDto })
  @ApiResponse({ status: 404, description: NOT_FOUND })
  get(
    @CurrentPartner() caller: PartnerPrincipal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<PartnerShipmentView> {
    return this.shipments.get(caller, id);
  }

  @Post(':id/ack')
  @HttpCode(200)
  @PartnerScopes('shipments:write')
  @ApiOperation({
    summary: 'Acknowledge the shipment (the partner has taken it over)',
    description:
      'One the shop has not yet handed to a carrier API is handed over by this acknowledgement: the order moves to ' +
      'handed_to_carrier. Repeating it changes nothing; 409 while the shop is calling the carrier for it.',
  })
  @ApiResponse({ status: 200, type: PartnerShipmentStateDto })
  @ApiResponse({ status: 404, description: NOT_FOUND })
  acknowledge(
    @CurrentPartner() caller: PartnerPrincipal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<PartnerShipmentState> {
    return this.shipments.acknowledge(caller, id);
  }

  @Post(':id/status')
  @HttpCode(200)
  @PartnerScopes('shipments:write')
  @ApiOperation({
    summary: 'Report the parcel picked up or delivered',
    description:
      'Moves the order on (handed_to_carrier, delivered). The same report again changes nothing; going back ' +
      '(delivered, then picked up) is a 409. Delivery starts the days after which no personal data is returned.',
  })
  @ApiResponse({ status: 200, type: PartnerShipmentStateDto })
  @ApiResponse({ status: 404, description: NOT_FOUND })
  report(
    @CurrentPartner() caller: PartnerPrincipal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: PartnerStatusReportDto,
  ): Promise<PartnerShipmentState> {
    return this.shipments.report(caller, id, body.status, body.at);
  }
}
