import { Body, Controller, HttpCode, HttpStatus, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Principal, StaffAuthGuard } from '../../../common/auth/auth.guards.js';
import type { TokenClaims } from '../../../common/auth/token.service.js';
import { ActiveStaffGuard } from './active-staff.guard.js';
import { StaffAuth, type StaffSession } from './staff-auth.service.js';
import { ChangeStaffPasswordDto, StaffLoginDto, StaffSessionDto } from './staff.dto.js';

@ApiTags('staff (auth)')
@Controller('api/v1/admin/auth')
export class StaffAuthController {
  constructor(private readonly auth: StaffAuth) {}

  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Staff sign-in: a short-lived token carrying the role' })
  @ApiResponse({ status: 200, type: StaffSessionDto })
  @ApiResponse({ status: 401, description: 'Wrong email or password (never says which).' })
  @ApiResponse({ status: 429, description: 'Locked after too many attempts; see Retry-After.' })
  login(@Body() body: StaffLoginDto, @Req() request: FastifyRequest): Promise<StaffSession> {
    return this.auth.login(body.email, body.password, request.ip);
  }

  @Post('password')
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseGuards(StaffAuthGuard, ActiveStaffGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change your own password (the current one is required)' })
  async changePassword(
    @Principal() principal: TokenClaims,
    @Body() body: ChangeStaffPasswordDto,
  ): Promise<void> {
    await this.auth.changePassword(principal.sub, body.currentPassword, body.newPassword);
  }
}
