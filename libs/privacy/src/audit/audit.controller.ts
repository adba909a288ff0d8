import { Controller, Get, UseGuards } from '@nestjs/common';
import { BootstrapAdminGuard } from '../admin/admin.guard.js';
import type { AuditVerification } from './audit-chain.js';
import { AuditLog } from './audit-log.service.js';

@Controller('api/v1/admin/audit')
@UseGuards(BootstrapAdminGuard)
export class AuditController {
  constructor(private readonly auditLog: AuditLog) {}

  /**
   * Walks the whole access audit log and reports the first broken link. Always 200: a broken chain is
   * the answer to the question, not a failure of the request.
   */
  @Get('verify')
  verify(): Promise<AuditVerification> {
    return this.auditLog.verify();
  }
}
