import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BootstrapAdminGuard } from '../admin/admin.guard.js';
import { CreateLegalHoldDto, ListLegalHoldsQuery, toView, type LegalHoldView } from './legal-holds.dto.js';
import { LegalHolds } from './legal-holds.service.js';

@ApiTags('privacy')
@ApiBearerAuth()
@UseGuards(BootstrapAdminGuard)
@Controller('api/v1/admin/privacy/legal-holds')
export class LegalHoldsController {
  constructor(private readonly holds: LegalHolds) {}

  @Post()
  @ApiOperation({ summary: 'Place a legal hold: nothing it covers is erased until it is released' })
  async create(@Body() body: CreateLegalHoldDto): Promise<LegalHoldView> {
    const { from, to, ...scope } = body.scope;
    const hold = await this.holds.create(
      { ...scope, ...(from ? { from: new Date(from) } : {}), ...(to ? { to: new Date(to) } : {}) },
      body.reason,
    );
    return toView(hold);
  }

  @Get()
  @ApiOperation({ summary: 'List legal holds, newest first' })
  async list(@Query() query: ListLegalHoldsQuery): Promise<{ items: LegalHoldView[] }> {
    const holds = await this.holds.list(query.status ? { status: query.status } : {});
    return { items: holds.map(toView) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One legal hold' })
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<LegalHoldView> {
    return toView(await this.holds.get(id));
  }

  @Delete(':id')
  @ApiOperation({
    summary:
      'Release a legal hold (records who and when; the hold itself is kept). Releasing twice changes nothing.',
  })
  async release(@Param('id', new ParseUUIDPipe()) id: string): Promise<LegalHoldView> {
    return toView(await this.holds.release(id));
  }
}
