import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { StaffAuthGuard, StaffRoles } from '../../../common/auth/auth.guards.js';
import { ActiveStaffGuard } from '../../back-office/index.js';
import { PartnerWebhooks, type DeliveryRecord, type WebhookRecord } from './partner-webhooks.service.js';
import {
  CreatedWebhookDto,
  CreateWebhookDto,
  DeliveryPageDto,
  DeliveryQuery,
  WebhookDto,
} from './webhooks.dto.js';

/** Partners' webhook endpoints and their delivery log, for administrators. No personal data in any answer. */
@ApiTags('partners (admin)')
@ApiBearerAuth()
@UseGuards(StaffAuthGuard, ActiveStaffGuard)
@StaffRoles('admin')
@Controller('api/v1/admin/partners/:partnerId')
export class PartnerWebhooksAdminController {
  constructor(private readonly webhooks: PartnerWebhooks) {}

  @Post('webhooks')
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Register a webhook endpoint: the signing secret is in this answer only, stored encrypted',
  })
  @ApiResponse({ status: 201, type: CreatedWebhookDto })
  register(
    @Param('partnerId', new ParseUUIDPipe()) partnerId: string,
    @Body() body: CreateWebhookDto,
  ): Promise<WebhookRecord & { secret: string }> {
    return this.webhooks.register(partnerId, body);
  }

  @Get('webhooks')
  @ApiOperation({ summary: "A partner's webhook endpoints (never the secret)" })
  @ApiResponse({ status: 200, type: [WebhookDto] })
  list(@Param('partnerId', new ParseUUIDPipe()) partnerId: string): Promise<WebhookRecord[]> {
    return this.webhooks.list(partnerId);
  }

  @Delete('webhooks/:id')
  @ApiOperation({ summary: 'Disable a webhook at once (repeating it changes nothing)' })
  @ApiResponse({ status: 200, type: WebhookDto })
  disable(
    @Param('partnerId', new ParseUUIDPipe()) partnerId: string,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<WebhookRecord> {
    return this.webhooks.disable(partnerId, id);
  }

  @Get('webhook-deliveries')
  @ApiOperation({ summary: "The delivery log of a partner's webhooks, newest first" })
  @ApiResponse({ status: 200, type: DeliveryPageDto })
  deliveries(
    @Param('partnerId', new ParseUUIDPipe()) partnerId: string,
    @Query() query: DeliveryQuery,
  ): Promise<{ items: DeliveryRecord[]; nextCursor: string | null }> {
    return this.webhooks.deliveries(partnerId, { ...query, limit: query.limit ?? 50 });
  }
}
