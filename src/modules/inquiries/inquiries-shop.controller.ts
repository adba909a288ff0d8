import {
  Body,
  Controller,
  Delete,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '../../common/problem/problem.js';
import { InquiryReceipt, SubmitInquiryDto, WithdrawnInquiry } from './inquiries.dto.js';
import { InquiriesService } from './inquiries.service.js';
import { WITHDRAWAL_TOKEN_HEADER } from './withdrawal-token.js';

@ApiTags('inquiries')
@Controller('api/v1/shop/inquiries')
export class InquiriesShopController {
  constructor(private readonly inquiries: InquiriesService) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Send a contact-form or product inquiry (no account needed)',
    description:
      'Stored only to answer it and deleted once it is handled. The receipt carries a withdrawal token: ' +
      'DELETE withdrawUrl with the X-Withdrawal-Token header deletes the inquiry at once.',
  })
  @ApiAcceptedResponse({ type: InquiryReceipt })
  @ApiTooManyRequestsResponse({ description: 'Too many inquiries from this client; see Retry-After' })
  submit(@Body() body: SubmitInquiryDto, @Req() request: FastifyRequest): Promise<InquiryReceipt> {
    return this.inquiries.submit(body, request.ip);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Withdraw an inquiry: it is deleted at once',
    description:
      '204 when deleted. 202 when a legal hold (for example an incident investigation) requires keeping it: it is ' +
      'then no longer processed and deleted as soon as the hold is released.',
  })
  @ApiHeader({ name: 'X-Withdrawal-Token', required: true, description: 'The token of the receipt' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiAcceptedResponse({
    type: WithdrawnInquiry,
    description: 'Withdrawn; kept under a legal hold until it is released',
  })
  @ApiNotFoundResponse({ description: 'No such inquiry, or the token does not match' })
  async withdraw(
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => notFound('The inquiry') })) id: string,
    @Headers(WITHDRAWAL_TOKEN_HEADER) token: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WithdrawnInquiry | undefined> {
    const outcome = await this.inquiries.withdraw(id, token);
    if (outcome === 'deleted') return undefined;
    void reply.status(HttpStatus.ACCEPTED);
    return {
      status: 'withdrawn',
      detail:
        'The inquiry is withdrawn and no longer processed. A legal hold requires keeping it for now; it is deleted as soon as the hold is released.',
    };
  }
}
