import { Controller, Get, Header, Param, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { StaffAuthGuard, StaffRoles } from '../../common/auth/auth.guards.js';
import { ActiveStaffGuard } from '../back-office/index.js';
import { Analyses, type AnalysisView } from './analyses.service.js';
import { ImprovementStatistics, type StatisticsReport } from './improvement-statistics.js';

/** Staff views: one analysis (audited), its image (privacy officer only), the improvement statistics. */
@ApiTags('device analysis (admin)')
@ApiBearerAuth()
@UseGuards(StaffAuthGuard, ActiveStaffGuard)
@Controller('api/v1/admin/device-analyses')
export class AnalysesAdminController {
  constructor(
    private readonly analyses: Analyses,
    private readonly statistics: ImprovementStatistics,
  ) {}

  @Get('statistics')
  @StaffRoles('support', 'privacy-officer', 'admin')
  @ApiOperation({
    summary:
      'Aggregates of the improvement samples, only for groups of at least DEVICE_STATS_MIN_GROUP subjects',
  })
  stats(): Promise<StatisticsReport> {
    return this.statistics.report();
  }

  @Get(':id')
  @StaffRoles('support', 'privacy-officer', 'admin')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'One analysis (result, no image); the read is in the audit log' })
  read(@Param('id') id: string): Promise<AnalysisView & { practiceId: string; imageKept: boolean }> {
    return this.analyses.readForStaff(id);
  }

  @Get(':id/image')
  @StaffRoles('privacy-officer')
  @ApiOperation({ summary: 'The stored image (privacy officer only); the read is in the audit log' })
  async image(@Param('id') id: string, @Res() reply: FastifyReply): Promise<void> {
    const { format, bytes } = await this.analyses.imageForStaff(id);
    await reply
      .header('content-type', format === 'png' ? 'image/png' : 'image/jpeg')
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(bytes);
  }
}
