import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Principal, StaffAuthGuard, StaffRoles } from '../../../common/auth/auth.guards.js';
import type { TokenClaims } from '../../../common/auth/token.service.js';
import { StaffView, type Page } from '../../../common/masking/index.js';
import { customerSubject } from '../../../common/subjects.js';
import { CUSTOMER_SUPPORT } from '../back-office.declarations.js';
import { ActiveStaffGuard } from '../staff/active-staff.guard.js';
import type { CustomerRecord } from '../../registration/index.js';
import { CustomerSupport } from './customer-support.service.js';
import { CustomerDto, CustomerPageDto, CustomerSearchDto } from './customers.dto.js';

const view = { subject: (c: CustomerRecord) => customerSubject(c.id), activity: CUSTOMER_SUPPORT.id };

/** Whole customer records go out of here; StaffView masks them by role and audits every read. */
@ApiTags('customers (staff)')
@ApiBearerAuth()
@UseGuards(StaffAuthGuard, ActiveStaffGuard)
@StaffRoles('fulfilment', 'support', 'privacy-officer', 'admin')
@Controller('api/v1/admin/customers')
export class CustomersController {
  constructor(private readonly customers: CustomerSupport) {}

  /**
   * A POST with the search in the body: what staff search by (an email address, a name) is personal data
   * and must not stand in a URL, where proxies, browser histories and access logs keep it.
   */
  @Post('search')
  @HttpCode(200)
  @StaffView('customer', view)
  @ApiOperation({
    summary: 'Find customers by id, email (not for fulfilment) or name; fields by role',
    description: 'The search is in the body, never in the URL (it is personal data).',
  })
  @ApiResponse({ status: 200, type: CustomerPageDto })
  @ApiResponse({
    status: 403,
    description: 'Searching by email with a role that does not see email addresses.',
  })
  search(
    @Body() search: CustomerSearchDto,
    @Principal() principal: TokenClaims,
  ): Promise<Page<CustomerRecord>> {
    return this.customers.search(principal.role ?? '', search.query, search.limit ?? 20, search.cursor);
  }

  @Get(':id')
  @StaffView('customer', view)
  @ApiOperation({ summary: 'One customer with the address book; fields by role' })
  @ApiResponse({ status: 200, type: CustomerDto })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<CustomerRecord> {
    return this.customers.get(id);
  }
}
