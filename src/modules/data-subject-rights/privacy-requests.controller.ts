import { Body, Controller, Get, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CustomerAuthGuard, Principal, StaffAuthGuard, StaffRoles } from '../../common/auth/auth.guards.js';
import type { TokenClaims } from '../../common/auth/token.service.js';
import { customerSubject } from '../../common/subjects.js';
import { PrivacyRequestDto } from './privacy-request.dto.js';
import {
  PrivacyRequests,
  type PrivacyRequestRecord,
  type PrivacyRequestResult,
} from './privacy-requests.service.js';

@ApiTags('shop: privacy')
@ApiBearerAuth()
@UseGuards(CustomerAuthGuard)
@Controller('api/v1/shop/privacy-requests')
export class PrivacyRequestsController {
  constructor(private readonly requests: PrivacyRequests) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Exercise a right under Arts. 15-21 GDPR; answered at once, free of charge' })
  submit(
    @Principal() principal: TokenClaims,
    @Body() dto: PrivacyRequestDto,
  ): Promise<{ request: PrivacyRequestRecord; result: PrivacyRequestResult }> {
    return this.requests.submit(customerSubject(principal.sub), dto);
  }

  @Get()
  @ApiOperation({ summary: 'Your requests and how they were answered' })
  list(@Principal() principal: TokenClaims): Promise<PrivacyRequestRecord[]> {
    return this.requests.list(customerSubject(principal.sub));
  }
}

class RequestListQuery {
  @IsOptional()
  @IsIn(['received', 'completed', 'failed'])
  status?: 'received' | 'completed' | 'failed';
}

@ApiTags('privacy (staff)')
@ApiBearerAuth()
@UseGuards(StaffAuthGuard)
@StaffRoles('privacy-officer', 'admin')
@Controller('api/v1/admin/privacy/requests')
export class PrivacyRequestsAdminController {
  constructor(private readonly requests: PrivacyRequests) {}

  @Get()
  @ApiQuery({ name: 'status', required: false, enum: ['received', 'completed', 'failed'] })
  @ApiOperation({ summary: 'Requests by due date (Art. 12(3): one month)' })
  list(@Query() query: RequestListQuery): Promise<(PrivacyRequestRecord & { subjectId: string })[]> {
    return this.requests.listAll(query.status);
  }
}
