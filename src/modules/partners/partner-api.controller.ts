import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ApiKeyRecord } from './partner.entity.js';
import { CurrentPartner, PartnerApi, PartnerScopes } from './partner-auth.js';
import { ApiKeyDto, PartnerSelfDto } from './partners.dto.js';
import { Partners, type PartnerPrincipal } from './partners.service.js';

/** The partner API's identity routes. Every lookup is scoped to the calling partner (404 for others'). */
@ApiTags('partner')
@PartnerApi()
@Controller('api/v1/partner')
export class PartnerApiController {
  constructor(private readonly partners: Partners) {}

  @Get('me')
  @ApiOperation({ summary: 'Who this API key speaks for, and what it may do' })
  @ApiResponse({ status: 200, type: PartnerSelfDto })
  async me(@CurrentPartner() caller: PartnerPrincipal): Promise<PartnerSelfDto> {
    const partner = await this.partners.ownAccount(caller);
    return {
      id: partner.id,
      name: partner.name,
      kind: partner.kind,
      recipientId: partner.recipientId,
      apiKey: { id: caller.keyId, prefix: caller.keyPrefix, scopes: caller.scopes },
    };
  }

  @Get('api-keys')
  @PartnerScopes('api-keys:read')
  @ApiOperation({ summary: "The partner's own API keys (metadata only)" })
  @ApiResponse({ status: 200, type: [ApiKeyDto] })
  keys(@CurrentPartner() caller: PartnerPrincipal): Promise<ApiKeyRecord[]> {
    return this.partners.ownKeys(caller);
  }

  @Get('api-keys/:id')
  @PartnerScopes('api-keys:read')
  @ApiOperation({ summary: "One of the partner's own API keys; another partner's key is 404" })
  @ApiResponse({ status: 200, type: ApiKeyDto })
  @ApiResponse({
    status: 404,
    description: 'No such key of this partner (whether or not another partner has it).',
  })
  key(
    @CurrentPartner() caller: PartnerPrincipal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<ApiKeyRecord> {
    return this.partners.ownKey(caller, id);
  }
}
