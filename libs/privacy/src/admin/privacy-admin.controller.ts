import { Controller, Get, Header, Inject, Param, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { PRIVACY_OPTIONS, type PrivacyKernelOptions } from '../privacy.options.js';
import { renderArt30Record, type Art30Format } from '../record/art30-record.js';
import { PrivacyError } from '../errors.js';
import { DeclarationStore } from '../registry/declaration-store.js';
import { PrivacyRegistryService } from '../registry/privacy-registry.service.js';
import { BootstrapAdminGuard } from './admin.guard.js';

export class RecordQuery {
  @ApiPropertyOptional({ enum: ['json', 'md', 'html'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'md', 'html'])
  format?: Art30Format;
}

const CONTENT_TYPES: Record<Art30Format, string> = {
  json: 'application/json; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

@ApiTags('privacy (staff)')
@ApiBearerAuth()
@UseGuards(BootstrapAdminGuard)
@Controller('api/v1/admin/privacy')
export class PrivacyAdminController {
  constructor(
    private readonly registry: PrivacyRegistryService,
    private readonly store: DeclarationStore,
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyKernelOptions,
  ) {}

  @Get('record')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'The Art. 30 record of processing activities, generated from the registry' })
  @ApiProduces(...Object.values(CONTENT_TYPES))
  record(@Query() query: RecordQuery, @Res({ passthrough: true }) reply: FastifyReply): string {
    const format = query.format ?? 'json';
    const registry = this.registry.registry;
    const versions: Record<string, { version: number; contentHash: string; validFrom: string }> = {};
    for (const a of registry.activities()) {
      const v = this.registry.version('activity', a.id);
      if (v)
        versions[a.id] = {
          version: v.version,
          contentHash: v.contentHash,
          validFrom: v.validFrom.toISOString(),
        };
    }
    const { controller } = this.options;
    const body = renderArt30Record(
      {
        controller: {
          name: controller.name,
          address: controller.address,
          contact: controller.contact,
          ...(controller.dpo ? { dpo: { name: 'Data protection officer', contact: controller.dpo } } : {}),
        },
        activities: registry.activities(),
        recipients: registry.recipients(),
        generatedAt: new Date(),
        versions,
      },
      format,
    );
    void reply.header('content-type', CONTENT_TYPES[format]);
    return body;
  }

  @Get('lint')
  @ApiOperation({ summary: "The privacy linter's findings on the running registry" })
  lint(): { errors: number; warnings: number; findings: ReturnType<PrivacyRegistryService['lintFindings']> } {
    const findings = this.registry.lintFindings();
    return {
      errors: findings.filter((f) => f.severity === 'error').length,
      warnings: findings.filter((f) => f.severity === 'warning').length,
      findings,
    };
  }

  @Get('activities/:id/versions')
  @ApiOperation({ summary: 'Every stored version of one processing activity, with its validity period' })
  async versions(@Param('id') id: string): Promise<{
    id: string;
    versions: {
      version: number;
      contentHash: string;
      validFrom: Date;
      validTo: Date | null;
      declaration: unknown;
    }[];
  }> {
    const versions = await this.store.versions('activity', id);
    if (versions.length === 0)
      throw new PrivacyError(
        404,
        'not-found',
        'Not Found',
        `No processing activity "${id}" was ever declared.`,
      );
    return {
      id,
      versions: versions.map((v) => ({
        version: v.version,
        contentHash: v.contentHash,
        validFrom: v.validFrom,
        validTo: v.validTo,
        declaration: v.body,
      })),
    };
  }
}
