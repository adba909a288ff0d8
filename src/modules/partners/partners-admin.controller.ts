import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { StaffAuthGuard, StaffRoles } from '../../common/auth/auth.guards.js';
import { StaffView } from '../../common/masking/index.js';
import { ActiveStaffGuard } from '../back-office/index.js';
import type { ApiKeyRecord } from './partner.entity.js';
import { partnerContactSubject, toPartnerRecord, type PartnerRecord } from './partner.entity.js';
import { PARTNER_ACCOUNTS } from './partners.declarations.js';
import {
  ApiKeyDto,
  CreateApiKeyDto,
  CreatePartnerDto,
  IssuedApiKeyDto,
  PartnerDto,
  UpdatePartnerDto,
} from './partners.dto.js';
import { Partners, type IssuedApiKey } from './partners.service.js';

const view = { subject: (p: PartnerRecord) => partnerContactSubject(p.id), activity: PARTNER_ACCOUNTS.id };

@ApiTags('partners (admin)')
@ApiBearerAuth()
@UseGuards(StaffAuthGuard, ActiveStaffGuard)
@StaffRoles('admin')
@Controller('api/v1/admin/partners')
export class PartnersAdminController {
  constructor(private readonly partners: Partners) {}

  @Post()
  @StaffView('partner', view)
  @ApiOperation({ summary: 'Create a partner account (carrier or logistics partner)' })
  @ApiResponse({ status: 201, type: PartnerDto })
  async create(@Body() body: CreatePartnerDto): Promise<PartnerRecord> {
    return toPartnerRecord(await this.partners.create(body));
  }

  @Get()
  @StaffView('partner', view)
  @ApiOperation({ summary: 'Every partner, by name' })
  @ApiResponse({ status: 200, type: [PartnerDto] })
  async list(): Promise<PartnerRecord[]> {
    return (await this.partners.list()).map(toPartnerRecord);
  }

  @Get(':id')
  @StaffView('partner', view)
  @ApiOperation({ summary: 'One partner' })
  @ApiResponse({ status: 200, type: PartnerDto })
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<PartnerRecord> {
    return toPartnerRecord(await this.partners.get(id));
  }

  @Patch(':id')
  @StaffView('partner', view)
  @ApiOperation({ summary: 'Rename, change the technical contact, or (de)activate a partner' })
  @ApiResponse({ status: 200, type: PartnerDto })
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdatePartnerDto,
  ): Promise<PartnerRecord> {
    return toPartnerRecord(await this.partners.update(id, body));
  }

  @Post(':id/api-keys')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Issue an API key: the key is in this answer only, stored hashed' })
  @ApiResponse({ status: 201, type: IssuedApiKeyDto })
  createKey(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: CreateApiKeyDto,
  ): Promise<IssuedApiKey> {
    return this.partners.createKey(id, body.scopes, body.label);
  }

  @Get(':id/api-keys')
  @ApiOperation({ summary: "A partner's API keys (prefix and metadata, never the key)" })
  @ApiResponse({ status: 200, type: [ApiKeyDto] })
  listKeys(@Param('id', new ParseUUIDPipe()) id: string): Promise<ApiKeyRecord[]> {
    return this.partners.listKeys(id);
  }

  @Delete(':id/api-keys/:keyId')
  @ApiOperation({ summary: 'Revoke an API key at once and for good (repeating it changes nothing)' })
  @ApiResponse({ status: 200, type: ApiKeyDto })
  revokeKey(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('keyId', new ParseUUIDPipe()) keyId: string,
  ): Promise<ApiKeyRecord> {
    return this.partners.revokeKey(id, keyId);
  }
}
