import { Body, Controller, Get, Header, HttpCode, HttpStatus, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Principal } from '../../common/auth/auth.guards.js';
import type { TokenClaims } from '../../common/auth/token.service.js';
import { ChangePasswordDto, ProfileDto, UpdateProfileDto } from './dto/profile.dto.js';
import { ProfileService } from './profile.service.js';
import { SignedInCustomer } from './signed-in-customer.guard.js';

@ApiTags('shop: my account')
@SignedInCustomer()
@Controller('api/v1/shop/me')
export class MeController {
  constructor(private readonly profile: ProfileService) {}

  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'My profile' })
  @ApiOkResponse({ type: ProfileDto })
  get(@Principal() principal: TokenClaims): Promise<ProfileDto> {
    return this.profile.get(principal.sub);
  }

  @Patch()
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Rectify my profile (Art. 16)',
    description:
      'Only the fields sent change. Voluntary fields can be removed with null. Each change is recorded in the audit log ' +
      '(field names only). The password changes through POST /api/v1/shop/me/password.',
  })
  @ApiOkResponse({ type: ProfileDto })
  @ApiBadRequestResponse({ description: 'Invalid or unknown fields' })
  @ApiConflictResponse({ description: 'The new email address belongs to another account' })
  @ApiForbiddenResponse({ description: 'Processing is restricted (Art. 18)' })
  update(@Principal() principal: TokenClaims, @Body() dto: UpdateProfileDto): Promise<ProfileDto> {
    return this.profile.update(principal.sub, dto);
  }

  @Post('password')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Change my password',
    description: 'Needs the current password. Every other session ends; the owner is told by email.',
  })
  @ApiNoContentResponse({ description: 'Changed' })
  @ApiBadRequestResponse({ description: 'Wrong current password, or the new one is not acceptable' })
  async changePassword(@Principal() principal: TokenClaims, @Body() dto: ChangePasswordDto): Promise<void> {
    await this.profile.changePassword(principal.sub, principal.sid, dto);
  }
}
