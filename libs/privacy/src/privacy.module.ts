import { APP_GUARD } from '@nestjs/core';
import { PrivacySignalsGuard } from './context/privacy-signals.js';
import { Global, Module, type DynamicModule, type OnModuleInit, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BootstrapAdminGuard } from './admin/admin.guard.js';
import { PrivacyAdminController } from './admin/privacy-admin.controller.js';
import { AuditModule } from './audit/audit.module.js';
import { ConsentEvent } from './consent/consent-event.entity.js';
import { ConsentLedger } from './consent/consent-ledger.js';
import type { ActivityDeclaration, RecipientDeclaration } from './declarations.js';
import { Discloser } from './disclosure/discloser.js';
import { ProcessingGuard } from './guard/processing-guard.js';
import { SubjectControls } from './guard/subject-controls.js';
import { PRIVACY_OPTIONS, type PrivacyKernelOptions } from './privacy.options.js';
import { DeclarationStore } from './registry/declaration-store.js';
import { DeclarationVersion } from './registry/declaration-version.entity.js';
import { FeatureDeclarations } from './registry/feature-declarations.js';
import { PrivacyRegistryService } from './registry/privacy-registry.service.js';
import { RetentionModule } from './retention/retention.module.js';
import { AccessAnswerComposer } from './rights/access-answer.js';
import type { RecordsDeclaration } from './rights/declared-records.js';
import { DeclaredRecords } from './rights/declared-records.registrar.js';

/** Carries one module's declarations; one instance per `forFeature` call. */
@Module({})
class PrivacyFeatureModule {}

/**
 * Registers one module's records declarations when its feature module starts: just before the
 * module that imports it, so exporters and erasers keep the order the modules start in.
 */
class FeatureRecords implements OnModuleInit {
  constructor(
    private readonly registrar: DeclaredRecords,
    private readonly declarations: readonly RecordsDeclaration[],
  ) {}

  onModuleInit(): void {
    for (const declaration of this.declarations) this.registrar.register(declaration);
  }
}

let featureCount = 0;
const declaredFeatures: FeatureDeclarations[] = [];

/**
 * The privacy kernel. The application imports `PrivacyModule.forRoot(options)` once; every module
 * that processes personal data imports `PrivacyModule.forFeature({ activities, recipients, records })` with
 * the declarations that sit next to its code, and calls the kernel's services (guard, consent
 * ledger, disclosure, audit, rights) which are available everywhere.
 */
@Global()
@Module({})
export class PrivacyModule {
  static forRoot(options: PrivacyKernelOptions): DynamicModule {
    const services = [
      PrivacyRegistryService,
      DeclarationStore,
      ConsentLedger,
      SubjectControls,
      ProcessingGuard,
      Discloser,
      BootstrapAdminGuard,
      AccessAnswerComposer,
    ];
    return {
      module: PrivacyModule,
      global: true,
      imports: [
        DiscoveryModule,
        TypeOrmModule.forFeature([DeclarationVersion, ConsentEvent]),
        AuditModule,
        RetentionModule,
      ],
      controllers: [PrivacyAdminController],
      providers: [
        { provide: PRIVACY_OPTIONS, useValue: options },
        { provide: APP_GUARD, useClass: PrivacySignalsGuard },
        ...services,
      ],
      exports: [PRIVACY_OPTIONS, ...services, AuditModule, RetentionModule],
    };
  }

  static forFeature(declarations: {
    activities?: ActivityDeclaration[];
    recipients?: RecipientDeclaration[];
    /** The module's personal records (`declareRecords`): the kernel exports, erases and retains them. */
    records?: RecordsDeclaration[];
  }): DynamicModule {
    featureCount += 1;
    const token = `PRIVACY_FEATURE_${featureCount}`;
    const feature = new FeatureDeclarations(declarations.activities ?? [], declarations.recipients ?? []);
    declaredFeatures.push(feature);
    const records = declarations.records ?? [];
    const providers: Provider[] = [{ provide: token, useValue: feature }];
    if (records.length > 0)
      providers.push({
        provide: `${token}_RECORDS`,
        inject: [DeclaredRecords],
        useFactory: (registrar: DeclaredRecords) => new FeatureRecords(registrar, records),
      });
    return { module: PrivacyFeatureModule, providers };
  }

  /**
   * Every declaration passed to `forFeature` by the modules loaded so far, without booting an
   * application (for the command-line linter and record). The running kernel uses discovery instead,
   * so only the modules actually mounted count there.
   */
  static declaredFeatures(): readonly FeatureDeclarations[] {
    return declaredFeatures;
  }
}
