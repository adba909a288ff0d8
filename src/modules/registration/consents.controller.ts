import { Body, Controller, Get, Header, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Principal } from '../../common/auth/auth.guards.js';
import type { TokenClaims } from '../../common/auth/token.service.js';
import { clientOf } from './client.js';
import { CustomerConsents } from './customer-consents.service.js';
import { ChangeConsentDto, ConsentListDto, ConsentStateDto } from './dto/consent.dto.js';
import { SignedInCustomer } from './signed-in-customer.guard.js';

@ApiTags('shop: my account')
@SignedInCustomer()
@Controller('api/v1/shop/consents')
export class ConsentsController {
  constructor(private readonly consents: CustomerConsents) {}

  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'My consents: each purpose, whether it is granted, and the current wording' })
  @ApiOkResponse({ type: ConsentListDto })
  async list(@Principal() principal: TokenClaims): Promise<ConsentListDto> {
    return { consents: await this.consents.list(principal.sub) };
  }

  @Post()
  @HttpCode(HttpStatus.OK)
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Grant or withdraw one purpose',
    description:
      'A grant names the wording version shown; a withdrawal needs only the purpose, takes effect at once and is not ' +
      'retroactive (Art. 7(3)).',
  })
  @ApiOkResponse({ type: ConsentStateDto })
  @ApiConflictResponse({ description: 'The wording version shown is no longer the current one' })
  change(
    @Principal() principal: TokenClaims,
    @Body() dto: ChangeConsentDto,
    @Req() request: FastifyRequest,
  ): Promise<ConsentStateDto> {
    return this.consents.change(principal.sub, dto, clientOf(request));
  }
}
