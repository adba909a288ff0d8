import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CustomerAuthGuard, Principal, StaffAuthGuard, StaffRoles } from '../../common/auth/auth.guards.js';
import type { TokenClaims } from '../../common/auth/token.service.js';
import { ActiveStaffGuard } from '../back-office/index.js';
import {
  BusinessProfileDto,
  CustomerGroupDto,
  PriceListDto,
  type BusinessProfileView,
} from './business-customers.dto.js';
import { BusinessCustomers } from './business-customers.service.js';

@ApiTags('shop: my account')
@ApiBearerAuth()
@Controller('api/v1/shop/me/business')
@UseGuards(CustomerAuthGuard)
export class MyBusinessController {
  constructor(private readonly business: BusinessCustomers) {}

  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'My business profile: company, VAT ID and its VIES confirmation, customer group' })
  @ApiOkResponse({ description: 'The profile; 404 when the account is not a business.' })
  get(@Principal() principal: TokenClaims): Promise<BusinessProfileView> {
    return this.business.profile(principal.sub);
  }

  @Put()
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Buy as a business: company name, country and VAT ID',
    description:
      'The VAT ID is checked for the format of its country (400 naming vatId) and must be of the country given ' +
      '(400 otherwise), then confirmed with VIES; the answer is kept as evidence. A confirmed VAT ID of another ' +
      'member state makes deliveries there zero-rated (intra-Community supply).',
  })
  put(@Principal() principal: TokenClaims, @Body() dto: BusinessProfileDto): Promise<BusinessProfileView> {
    return this.business.register(principal.sub, dto);
  }

  @Post('vat-id-check')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Ask VIES again (after VIES was unavailable)' })
  recheck(@Principal() principal: TokenClaims): Promise<BusinessProfileView> {
    return this.business.confirm(principal.sub);
  }
}

@ApiTags('admin: business customers')
@ApiBearerAuth()
@Controller('api/v1/admin')
@UseGuards(StaffAuthGuard, ActiveStaffGuard)
export class BusinessCustomersAdminController {
  constructor(private readonly business: BusinessCustomers) {}

  @Put('business-customers/:customerId/group')
  @StaffRoles('support', 'admin')
  @ApiOperation({
    summary: 'Put a business customer into a customer group (its price list applies), or none',
  })
  setGroup(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Body() dto: CustomerGroupDto,
  ): Promise<BusinessProfileView> {
    return this.business.setGroup(customerId, dto.group);
  }

  @Put('customer-groups/:code/price-list')
  @StaffRoles('admin')
  @ApiOperation({
    summary: "Create a customer group or replace its net price list (SKUs not listed: catalogue's net price)",
  })
  putPriceList(
    @Param('code') code: string,
    @Body() dto: PriceListDto,
  ): Promise<{ group: string; prices: number }> {
    return this.business.putPriceList(code, dto);
  }
}
