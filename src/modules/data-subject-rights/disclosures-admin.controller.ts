import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { AuditLog, Discloser } from '@app/privacy';
import { Principal, StaffAuthGuard, StaffRoles } from '../../common/auth/auth.guards.js';
import type { TokenClaims } from '../../common/auth/token.service.js';
import { ActiveStaffGuard } from '../back-office/index.js';
import { DATA_SUBJECT_RIGHTS } from './data-subject-rights.declarations.js';

/**
 * The opaque subject ids of src/common/subjects.ts: a customer account, a guest (keyed hash of the
 * email) or an inquirer. Never an email: the id travels in the URL, which proxies and logs keep.
 */
const SUBJECT_ID = /^(customer:[0-9a-f-]{36}|guest:[0-9a-f]{32}|inquiry:[0-9a-f-]{36})$/;

export class DisclosureQuery {
  @ApiProperty({
    example: 'customer:0b6c4f8e-2f1d-4d7e-9a51-3c1e2f7a9b10',
    description: 'The opaque subject id (customer:<id>, guest:<hash>, inquiry:<id>); never an email.',
  })
  @Matches(SUBJECT_ID, {
    message: 'must be an opaque subject id (customer:<id>, guest:<hash>, inquiry:<id>)',
  })
  subjectId!: string;
}

export interface DisclosureEntry {
  occurredAt: string;
  recipientId: string;
  activityId: string;
  fields: string[];
  outcome: string;
}

/**
 * Who received a person's data (Art. 15(1)(c) GDPR, the recipients actually disclosed to; Art. 19):
 * the disclosure log read by the privacy officer. The read itself goes to the access audit log.
 */
@ApiTags('privacy (staff)')
@ApiBearerAuth()
@UseGuards(StaffAuthGuard, ActiveStaffGuard)
@StaffRoles('privacy-officer')
@Controller('api/v1/admin/privacy/disclosures')
export class DisclosuresAdminController {
  constructor(
    private readonly discloser: Discloser,
    private readonly audit: AuditLog,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The disclosure log of one person: recipient, activity, fields and time (privacy officer only)',
    description:
      'Oldest first. Failed attempts are listed too (outcome failed): they may have reached the recipient. ' +
      'Each read is recorded in the access audit log.',
  })
  async list(
    @Query() query: DisclosureQuery,
    @Principal() principal: TokenClaims,
  ): Promise<{ subjectId: string; items: DisclosureEntry[] }> {
    const items = (await this.discloser.disclosuresAbout(query.subjectId)).map((d) => ({
      occurredAt: d.occurredAt.toISOString(),
      recipientId: d.recipientId,
      activityId: d.activityId,
      fields: d.fields,
      outcome: d.outcome,
    }));
    await this.audit.append({
      subjectId: query.subjectId,
      activityId: DATA_SUBJECT_RIGHTS.id,
      action: 'read:disclosures',
      fields: ['disclosure-log'],
      actor: { type: 'staff', id: principal.sub, ...(principal.role ? { role: principal.role } : {}) },
    });
    return { subjectId: query.subjectId, items };
  }
}
