import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { Principal, StaffAuthGuard, StaffRoles } from '../../common/auth/auth.guards.js';
import type { TokenClaims } from '../../common/auth/token.service.js';
import { ActiveStaffGuard } from '../back-office/index.js';
import { BankStatements, type StatementImport } from './bank-statements.js';

export class BankStatementDto {
  @ApiProperty({
    description: 'The CAMT.053 file (ISO 20022 bank-to-customer statement, XML) as delivered by the bank.',
  })
  @IsString()
  @MinLength(20)
  @MaxLength(900_000)
  statement!: string;
}

@ApiTags('admin: payments')
@ApiBearerAuth()
@Controller('api/v1/admin/bank-statements')
@UseGuards(StaffAuthGuard, ActiveStaffGuard)
export class BankStatementsController {
  constructor(private readonly statements: BankStatements) {}

  @Post()
  @HttpCode(200)
  @StaffRoles('admin')
  @ApiOperation({
    summary: 'Import a CAMT.053 bank statement: credits matched to orders by their number mark them paid',
    description:
      'Each booked credit whose remittance text names an order number (the payment reference on the invoice) ' +
      'settles that order’s open invoice or SEPA payment if the amount is exactly due. Answers every credit with ' +
      'its outcome (paid, already-paid, amount-mismatch, no-order, not-payable, duplicate for one imported ' +
      'before). A malformed file is a 400 naming where, and imports nothing.',
  })
  @ApiOkResponse({ description: 'What each credit of the statement became.' })
  async import(@Body() dto: BankStatementDto, @Principal() principal: TokenClaims): Promise<StatementImport> {
    return this.statements.import(dto.statement, {
      type: 'staff',
      id: principal.sub,
      ...(principal.role ? { role: principal.role } : {}),
    });
  }
}
