import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobsModule } from '../jobs/jobs.module.js';
import { PRIVACY_OPTIONS, type PrivacyKernelOptions } from '../privacy.options.js';
import { DeclaredRecords } from '../rights/declared-records.registrar.js';
import { RightsRegistry } from '../rights/rights.registry.js';
import { RightsService } from '../rights/rights.service.js';
import { BlockedRecords } from './blocked-records.js';
import { LegalHoldsController } from './legal-holds.controller.js';
import { LegalHolds } from './legal-holds.service.js';
import { BlockedRecordEntity, LegalHoldEntity, RetentionSweepEntity } from './retention.entities.js';
import {
  RETENTION_OPTIONS,
  resolveRetentionOptions,
  type RetentionOptionsInput,
} from './retention.options.js';
import { RetentionPolicies } from './retention-policy.js';
import { RetentionSweep } from './retention-sweep.js';
import { StatutoryPeriods } from './statutory-periods.js';

/**
 * Retention and legal holds, blocked records, and the rights orchestration (export, erasure).
 * One module, because they need each other: erasure records blocks and respects holds, and the
 * sweep erases blocked records through the erasers.
 *
 * Needs PRIVACY_OPTIONS (global, from the PrivacyModule) and the application's TypeORM
 * connection. The retention options come from `PRIVACY_OPTIONS.retention` when present (statutory
 * periods, time zone, batch size), with German defaults otherwise.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([LegalHoldEntity, BlockedRecordEntity, RetentionSweepEntity]),
    JobsModule,
  ],
  controllers: [LegalHoldsController],
  providers: [
    {
      provide: RETENTION_OPTIONS,
      inject: [PRIVACY_OPTIONS],
      useFactory: (options: PrivacyKernelOptions & { retention?: RetentionOptionsInput }) =>
        resolveRetentionOptions(options.retention),
    },
    StatutoryPeriods,
    LegalHolds,
    BlockedRecords,
    RetentionPolicies,
    RetentionSweep,
    RightsRegistry,
    RightsService,
    DeclaredRecords,
  ],
  exports: [
    RETENTION_OPTIONS,
    StatutoryPeriods,
    LegalHolds,
    BlockedRecords,
    RetentionPolicies,
    RetentionSweep,
    RightsRegistry,
    RightsService,
    DeclaredRecords,
    JobsModule,
  ],
})
export class RetentionModule {}
