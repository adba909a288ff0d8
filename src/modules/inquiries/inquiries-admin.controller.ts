import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Principal, StaffAuthGuard, StaffRoles } from '../../common/auth/auth.guards.js';
import type { TokenClaims } from '../../common/auth/token.service.js';
import {
  AnswerInquiryDto,
  AnswerReceipt,
  ClosedInquiry,
  InquiryPage,
  InquiryView,
  ListInquiriesQuery,
} from './inquiries.dto.js';
import { InquiriesService } from './inquiries.service.js';

@ApiTags('inquiries (support)')
@ApiBearerAuth()
@UseGuards(StaffAuthGuard)
@StaffRoles('support', 'admin')
@Controller('api/v1/admin/inquiries')
export class InquiriesAdminController {
  constructor(private readonly inquiries: InquiriesService) {}

  @Get()
  @ApiOperation({ summary: 'The support queue, oldest first (no personal data; open an inquiry to read it)' })
  @ApiOkResponse({ type: InquiryPage })
  list(@Query() query: ListInquiriesQuery): Promise<InquiryPage> {
    return this.inquiries.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read one inquiry with its answers (the read is written to the audit log)' })
  @ApiOkResponse({ type: InquiryView })
  @ApiNotFoundResponse({ description: 'No such inquiry (or it was deleted or withdrawn)' })
  read(@Param('id', new ParseUUIDPipe()) id: string): Promise<InquiryView> {
    return this.inquiries.read(id);
  }

  @Post(':id/answer')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Answer an inquiry',
    description: 'The answer is stored and queued for sending to the person (job inquiry.answered).',
  })
  @ApiCreatedResponse({ type: AnswerReceipt })
  @ApiConflictResponse({ description: 'The inquiry is closed' })
  answer(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: AnswerInquiryDto,
    @Principal() staff: TokenClaims,
  ): Promise<AnswerReceipt> {
    return this.inquiries.answer(id, body.text, staff.sub);
  }

  @Post(':id/close')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Close a handled inquiry',
    description:
      'Starts the deletion grace (INQUIRY_DELETE_GRACE_DAYS, default 0: deleted at once). An answer not yet sent or ' +
      'a legal hold keeps it until that ends; the answer says which.',
  })
  @ApiOkResponse({ type: ClosedInquiry })
  @ApiConflictResponse({ description: 'The inquiry is already closed' })
  close(@Param('id', new ParseUUIDPipe()) id: string): Promise<ClosedInquiry> {
    return this.inquiries.close(id);
  }
}
