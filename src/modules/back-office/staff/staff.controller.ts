import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { StaffAuthGuard, StaffRoles } from '../../../common/auth/auth.guards.js';
import { StaffView } from '../../../common/masking/index.js';
import { STAFF_ACCOUNTS } from '../back-office.declarations.js';
import { staffSubject, toStaffRecord, type StaffAccountRecord } from './staff-account.entity.js';
import { StaffAccounts } from './staff-accounts.service.js';
import { ActiveStaffGuard } from './active-staff.guard.js';
import { CreateStaffAccountDto, StaffAccountDto, UpdateStaffAccountDto } from './staff.dto.js';

const view = { subject: (s: StaffAccountRecord) => staffSubject(s.id), activity: STAFF_ACCOUNTS.id };

@ApiTags('staff (admin)')
@ApiBearerAuth()
@UseGuards(StaffAuthGuard, ActiveStaffGuard)
@StaffRoles('admin')
@Controller('api/v1/admin/staff')
export class StaffController {
  constructor(private readonly accounts: StaffAccounts) {}

  @Post()
  @StaffView('staff-account', view)
  @ApiOperation({ summary: 'Create a staff account (administrators only)' })
  @ApiResponse({ status: 201, type: StaffAccountDto })
  @ApiResponse({ status: 409, description: 'The email address is taken.' })
  async create(@Body() body: CreateStaffAccountDto): Promise<StaffAccountRecord> {
    return toStaffRecord(await this.accounts.create(body));
  }

  @Get()
  @StaffView('staff-account', view)
  @ApiOperation({ summary: 'Every staff account, oldest first' })
  @ApiResponse({ status: 200, type: [StaffAccountDto] })
  async list(): Promise<StaffAccountRecord[]> {
    return (await this.accounts.list()).map(toStaffRecord);
  }

  @Get(':id')
  @StaffView('staff-account', view)
  @ApiOperation({ summary: 'One staff account' })
  @ApiResponse({ status: 200, type: StaffAccountDto })
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<StaffAccountRecord> {
    return toStaffRecord(await this.accounts.get(id));
  }

  @Patch(':id')
  @StaffView('staff-account', view)
  @ApiOperation({
    summary: 'Change role, display name or active state; the last active administrator cannot be removed',
  })
  @ApiResponse({ status: 200, type: StaffAccountDto })
  @ApiResponse({
    status: 409,
    description: 'It would leave no active administrator, or the account is anonymised.',
  })
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateStaffAccountDto,
  ): Promise<StaffAccountRecord> {
    return toStaffRecord(await this.accounts.update(id, body));
  }
}
