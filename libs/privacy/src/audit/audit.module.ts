import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller.js';
import { AuditLog } from './audit-log.service.js';

/**
 * The access audit log. Needs a TypeORM connection (TypeOrmModule.forRoot in the application) and,
 * for its admin route, the kernel's PRIVACY_OPTIONS (provided globally by PrivacyModule).
 */
@Module({
  controllers: [AuditController],
  providers: [AuditLog],
  exports: [AuditLog],
})
export class AuditModule {}
