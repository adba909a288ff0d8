import { Body, Controller, Get, Header, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app-config.js';
import { Analyses, type AnalysisView } from './analyses.service.js';
import { CurrentDevice, DeviceApi } from './device-auth.js';
import type { DevicePrincipal } from './devices.service.js';
import { WithdrawConsentDto } from './device-analysis.dto.js';
import { renderReport } from './report.html.js';
import { parseUploadInput, type ConsentPurpose } from './upload-input.js';
import { readUploadParts } from './upload-multipart.js';

/** The device API: uploads, the practice's reads, and consent withdrawals given at the practice. */
@ApiTags('device')
@DeviceApi()
@Controller('api/v1/device')
export class AnalysesController {
  constructor(
    private readonly analyses: Analyses,
    private readonly config: AppConfig,
  ) {}

  @Post('analyses')
  @Header('cache-control', 'no-store')
  @ApiConsumes('multipart/form-data')
  @ApiOperation({
    summary:
      'Upload a photo (part `image`, JPEG or PNG) with gender, age, subject reference, optional patient email and the consent (part `data`, JSON)',
  })
  @ApiResponse({ status: 201, description: 'The analysis with its result.' })
  async upload(
    @Req() request: FastifyRequest,
    @CurrentDevice() device: DevicePrincipal,
  ): Promise<AnalysisView> {
    const parts = await readUploadParts(request, this.config.DEVICE_IMAGE_MAX_BYTES);
    const input = parseUploadInput(parts.data, new Date());
    return this.analyses.upload(device, parts.image, input);
  }

  @Get('analyses/:id')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: "One of the practice's analyses; another practice's is 404" })
  read(@Param('id') id: string, @CurrentDevice() device: DevicePrincipal): Promise<AnalysisView> {
    return this.analyses.readForPractice(device, id, 'practice-read');
  }

  @Get('analyses/:id/report')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
  @Header('x-content-type-options', 'nosniff')
  @ApiOperation({ summary: 'The printable HTML report of one of the practice’s analyses' })
  async report(@Param('id') id: string, @CurrentDevice() device: DevicePrincipal): Promise<string> {
    return renderReport(await this.analyses.readForPractice(device, id, 'practice-report'));
  }

  @Post('consent-withdrawals')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'The patient withdraws a consent at the practice: device-analysis crypto-shreds everything of the subject; device-improvement removes the statistics contribution',
  })
  withdraw(
    @Body() body: WithdrawConsentDto,
    @CurrentDevice() device: DevicePrincipal,
  ): Promise<{ withdrawn: ConsentPurpose[]; shredded: boolean }> {
    return this.analyses.withdraw(device, body.subjectReference, body.purposes);
  }
}
