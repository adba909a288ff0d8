import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Injectable,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
  createParamDecorator,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InvalidInputError, NotFoundError } from '@app/core';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CustomerAuthGuard, Principal, StaffAuthGuard, StaffRoles } from '../../common/auth/auth.guards.js';
import type { TokenClaims } from '../../common/auth/token.service.js';
import { customerSubject } from '../../common/subjects.js';
import { renderAccessAnswerHtml } from './access-answer.html.js';
import {
  CodeDto,
  ConsentWithdrawalDto,
  ExtensionDto,
  LANGS,
  LiftAnnouncementDto,
  PrivacyRequestDto,
  RefusalDto,
  StaffConfirmationDto,
  StaffRecordedRequestDto,
  type Lang,
} from './privacy-request.dto.js';
import type { PrivacyRequestRecord, RequestStatus } from './privacy-request.store.js';
import { PrivacyRequests } from './privacy-requests.service.js';

export const REQUEST_TOKEN_HEADER = 'x-privacy-request-token';

type MaybeAuthenticated = FastifyRequest & { principal?: TokenClaims };

/** Open to everyone: without Authorization the request is by email; with it, a valid customer token is required. */
@Injectable()
class OptionalCustomerGuard implements CanActivate {
  constructor(private readonly customers: CustomerAuthGuard) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<MaybeAuthenticated>();
    if (request.headers.authorization === undefined) return true;
    return this.customers.canActivate(context);
  }
}

const CustomerId = createParamDecorator((_data: unknown, context: ExecutionContext): string | undefined => {
  const principal = context.switchToHttp().getRequest<MaybeAuthenticated>().principal;
  return principal?.kind === 'customer' ? principal.sub : undefined;
});

const uuid = () => new ParseUUIDPipe({ exceptionFactory: () => new NotFoundError('The request') });

class AnswerQuery {
  @IsOptional()
  @IsIn(['json', 'html'])
  format?: 'json' | 'html';

  @IsOptional()
  @IsIn(LANGS)
  lang?: Lang;
}

@ApiTags('shop: privacy')
@Controller('api/v1/shop/privacy-requests')
@UseGuards(OptionalCustomerGuard)
export class PrivacyRequestsController {
  constructor(private readonly requests: PrivacyRequests) {}

  @Post()
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Exercise a right under Arts. 15-21 GDPR, free of charge',
    description:
      'Signed in: answered at once (an erasure first asks for a confirmation code). Without an account: send `email` ' +
      '(or the `receiptReference` of a device analysis); ' +
      'the answer is 202 and the same whether or not the shop holds data for the address, and a one-time code goes ' +
      'there. POST …/:id/verification with the code carries the request out.',
  })
  async submit(
    @CustomerId() customerId: string | undefined,
    @Body() dto: PrivacyRequestDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    if (customerId) {
      if (dto.email !== undefined) {
        throw new InvalidInputError([
          { field: 'email', reason: 'is taken from your account when signed in' },
        ]);
      }
      if (dto.receiptReference !== undefined) {
        throw new InvalidInputError([
          { field: 'receiptReference', reason: 'is for requests without an account; sign out to use it' },
        ]);
      }
      void reply.status(HttpStatus.OK);
      return this.requests.submitForCustomer(customerId, dto);
    }
    if (dto.email !== undefined && dto.receiptReference !== undefined) {
      throw new InvalidInputError([
        { field: 'receiptReference', reason: 'give either email or receiptReference, not both' },
      ]);
    }
    if (dto.receiptReference !== undefined) {
      void reply.status(HttpStatus.ACCEPTED);
      return this.requests.submitByReceipt({ ...dto, receiptReference: dto.receiptReference }, request.ip);
    }
    if (dto.email === undefined) {
      throw new InvalidInputError([{ field: 'email', reason: 'is required without an account' }]);
    }
    void reply.status(HttpStatus.ACCEPTED);
    return this.requests.submitByEmail({ ...dto, email: dto.email }, request.ip);
  }

  @Post('consent-withdrawals')
  @HttpCode(200)
  @ApiHeader({
    name: 'X-Order-Token',
    required: true,
    description: 'The token of your order (from checkout)',
  })
  @ApiOperation({
    summary: 'Withdraw a consent given at checkout with your order link, in one step (Art. 7(3))',
    description:
      'E.g. carrier-notifications: the carrier then receives no email or phone number from the shop.',
  })
  withdrawWithOrderLink(
    @Headers('x-order-token') token: string | undefined,
    @Body() dto: ConsentWithdrawalDto,
  ) {
    return this.requests.withdrawWithOrderLink(token, dto.purpose);
  }

  @Post(':id/verification')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Enter the code from the email: the request is then carried out',
    description:
      'Answers the result (for access the Art. 15 answer) and a request token (15 minutes) for X-Privacy-Request-Token.',
  })
  verify(@Param('id', uuid()) id: string, @Body() dto: CodeDto) {
    return this.requests.verify(id, dto.code);
  }

  @Post(':id/confirmation')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Confirm an erasure with the second code',
    description:
      'The erasure then runs, or, while an order is being delivered or within its withdrawal period, is scheduled and runs by itself; the email says when.',
  })
  confirm(@Param('id', uuid()) id: string, @Body() dto: CodeDto) {
    return this.requests.confirmErasure(id, { code: dto.code });
  }

  @Get()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Your requests and how they were answered (signed in)' })
  list(@CustomerId() customerId: string | undefined): Promise<PrivacyRequestRecord[]> {
    if (!customerId) throw new NotFoundError('The list');
    return this.requests.list(customerSubject(customerId));
  }

  @Get(':id/answer')
  @ApiBearerAuth()
  @ApiHeader({ name: 'X-Privacy-Request-Token', required: false })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'html'] })
  @ApiQuery({ name: 'lang', required: false, enum: LANGS })
  @ApiOperation({ summary: 'The Art. 15 answer again, as JSON or as a readable page (de/en)' })
  async answer(
    @Param('id', uuid()) id: string,
    @Query() query: AnswerQuery,
    @Headers(REQUEST_TOKEN_HEADER) token: string | undefined,
    @CustomerId() customerId: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const row = await this.requests.ownRequest(id, { requestToken: token, customerId });
    const answer = await this.requests.accessAnswer(row);
    if (query.format === 'html') {
      void reply.header('content-type', 'text/html; charset=utf-8');
      void reply.header('cache-control', 'no-store');
      return renderAccessAnswerHtml(answer, query.lang ?? row.lang);
    }
    void reply.header('cache-control', 'no-store');
    return answer;
  }

  @Get(':id/export')
  @ApiQuery({ name: 'token', required: true, description: 'From the download link (expires)' })
  @ApiOperation({ summary: 'Download the Art. 20 copy: a ZIP of JSON and CSV, through an expiring link' })
  async exportArchive(
    @Param('id', uuid()) id: string,
    @Query('token') token: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const zip = await this.requests.portabilityExport(id, typeof token === 'string' ? token : undefined);
    void reply.header('content-type', 'application/zip');
    void reply.header('content-disposition', 'attachment; filename="my-data.zip"');
    void reply.header('cache-control', 'no-store');
    return Buffer.from(zip);
  }

  @Get(':id/recipients')
  @ApiBearerAuth()
  @ApiHeader({ name: 'X-Privacy-Request-Token', required: false })
  @ApiOperation({ summary: 'Which recipients were told of the erasure or restriction (Art. 19)' })
  async recipients(
    @Param('id', uuid()) id: string,
    @Headers(REQUEST_TOKEN_HEADER) token: string | undefined,
    @CustomerId() customerId: string | undefined,
  ) {
    const row = await this.requests.ownRequest(id, { requestToken: token, customerId });
    return this.requests.recipientsTold(row);
  }
}

class QueueQuery {
  @IsOptional()
  @IsIn([
    'awaiting-verification',
    'awaiting-identity-check',
    'received',
    'awaiting-confirmation',
    'scheduled',
    'completed',
    'failed',
    'refused',
    'expired',
  ])
  status?: RequestStatus;

  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  overdue?: boolean;
}

@ApiTags('privacy (staff)')
@ApiBearerAuth()
@UseGuards(StaffAuthGuard)
@StaffRoles('privacy-officer', 'admin')
@Controller('api/v1/admin/privacy/requests')
export class PrivacyRequestsAdminController {
  constructor(private readonly requests: PrivacyRequests) {}

  @Get()
  @ApiQuery({ name: 'status', required: false })
  @ApiQuery({ name: 'overdue', required: false, type: Boolean })
  @ApiOperation({
    summary: 'The queue: open requests by the deadline in force (Art. 12(3)), overdue ones marked',
  })
  list(@Query() query: QueueQuery) {
    return this.requests.queue(query);
  }

  @Post()
  @ApiOperation({
    summary: 'Record a request received by letter, phone or email, with how identity was checked',
  })
  record(@Body() dto: StaffRecordedRequestDto, @Principal() staff: TokenClaims) {
    if (dto.email !== undefined && dto.receiptReference !== undefined) {
      throw new InvalidInputError([
        { field: 'receiptReference', reason: 'give either email or receiptReference, not both' },
      ]);
    }
    return this.requests.recordForPerson(dto, staff.sub);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One request with its steps and the Art. 19 notices' })
  detail(@Param('id', uuid()) id: string) {
    return this.requests.detail(id);
  }

  @Post(':id/extension')
  @HttpCode(200)
  @ApiOperation({ summary: 'Extend the deadline by up to two months with a reason; the person is told' })
  extend(@Param('id', uuid()) id: string, @Body() dto: ExtensionDto) {
    return this.requests.extend(id, dto.months, dto.reason);
  }

  @Post(':id/refusal')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Refuse (Art. 12(5)) with a reason; the person is told, with the right to complain',
  })
  refuse(@Param('id', uuid()) id: string, @Body() dto: RefusalDto) {
    return this.requests.refuse(id, dto.reason, dto.detail);
  }

  @Post(':id/restriction-lift')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Announce the lifting of a restriction: the person is told now, the job lifts it on liftOn (Art. 18(3))',
  })
  announceLift(@Param('id', uuid()) id: string, @Body() dto: LiftAnnouncementDto) {
    return this.requests.announceLift(id, new Date(dto.liftOn), dto.reason);
  }

  @Post(':id/identity-check')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Record how the identity of a person was checked whose receipt reference has no address: the request is carried out',
  })
  checkIdentity(
    @Param('id', uuid()) id: string,
    @Body() dto: StaffConfirmationDto,
    @Principal() staff: TokenClaims,
  ) {
    return this.requests.confirmIdentity(id, dto.identityCheck, staff.sub);
  }

  @Post(':id/confirmation')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record that the person confirmed an erasure again (letter, call), with how' })
  confirm(@Param('id', uuid()) id: string, @Body() dto: StaffConfirmationDto) {
    return this.requests.confirmErasure(id, { staffCheck: dto.identityCheck });
  }
}

export const DATA_SUBJECT_RIGHTS_GUARDS = [OptionalCustomerGuard];
