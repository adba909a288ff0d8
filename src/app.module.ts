import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProblemFilter } from './common/problem/problem.filter.js';
import { LoggingModule } from './common/logging/logging.module.js';
import { AppConfig } from './config/app-config.js';
import { typeOrmOptions } from './database/typeorm-options.js';
import { AuthModule } from './common/auth/auth.module.js';
import { HealthModule } from './health/health.module.js';
import { HostingModule } from './modules/hosting/index.js';
import { ThrottleModule } from './common/throttle/throttle.module.js';
import { AccessLogModule } from './modules/access-log/index.js';
import { AddressValidationModule } from './modules/address-validation/index.js';
import { AdminConsoleModule } from './modules/admin-console/index.js';
import { BackOfficeModule } from './modules/back-office/index.js';
import { CookiesModule } from './modules/cookies/index.js';
import { InquiriesModule } from './modules/inquiries/index.js';
import { NotificationsModule } from './modules/notifications/index.js';
import { CreditCheckModule } from './modules/credit-check/index.js';
import { DataSubjectRightsModule } from './modules/data-subject-rights/index.js';
import { DeviceAnalysisModule } from './modules/device-analysis/index.js';
import { OrdersModule } from './modules/orders/index.js';
import { InvoicingModule } from './modules/invoicing/index.js';
import { PaymentsModule } from './modules/payments/index.js';
import { PartnersModule, PartnerShipmentsModule } from './modules/partners/index.js';
import { CarrierHandoffModule } from './modules/carrier-handoff/index.js';
import { RegistrationModule } from './modules/registration/index.js';

import { UnitOfWorkModule } from '@app/core';
import { PrivacyModule } from '@app/privacy';

export interface AppModuleOptions {
  config: AppConfig;
  /** The URL of the database the app uses (the embedded one or DATABASE_URL), resolved before boot. */
  databaseUrl: string;
  /** Further modules to mount (the e2e tests mount probe controllers this way). */
  extraModules?: DynamicModule['imports'];
}

/** A 32-byte key given as 64 hex digits or base64 (as the configuration validates it). */
const keyBytes = (value: string): Buffer =>
  /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');

/** Makes the validated configuration injectable as a typed `AppConfig` everywhere. */
@Global()
@Module({})
class AppConfigModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => ({ ...config })] })],
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.register(options.config),
        LoggingModule,
        TypeOrmModule.forRoot({
          ...typeOrmOptions({ url: options.databaseUrl, poolSize: options.config.DATABASE_POOL_SIZE }),
          autoLoadEntities: true,
        }),
        UnitOfWorkModule,
        PrivacyModule.forRoot({
          databaseUrl: options.databaseUrl,
          bootstrapAdminToken: options.config.PRIVACY_ADMIN_TOKEN,
          ...(options.config.PRIVACY_DISCLOSURE_HASH_KEY
            ? { disclosureHashKey: keyBytes(options.config.PRIVACY_DISCLOSURE_HASH_KEY) }
            : {}),
          runJobs: options.config.JOBS_ENABLED,
          retentionSweepCron: options.config.RETENTION_SWEEP_CRON,
          controller: {
            name: options.config.PRIVACY_CONTROLLER_NAME,
            address: options.config.PRIVACY_CONTROLLER_ADDRESS,
            contact: options.config.PRIVACY_CONTROLLER_CONTACT,
            dpo: options.config.PRIVACY_DPO_CONTACT,
            supervisoryAuthority: options.config.PRIVACY_SUPERVISORY_AUTHORITY,
          },
        }),
        AuthModule,
        ThrottleModule,
        HealthModule,
        HostingModule,
        NotificationsModule,
        CookiesModule,
        AddressValidationModule,
        RegistrationModule,
        BackOfficeModule,
        PartnersModule,
        InquiriesModule,
        AccessLogModule,
        OrdersModule,
        InvoicingModule,
        CreditCheckModule,
        PaymentsModule,
        CarrierHandoffModule,
        PartnerShipmentsModule,
        DataSubjectRightsModule,
        AdminConsoleModule,
        DeviceAnalysisModule,
        ...(options.extraModules ?? []),
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
    };
  }
}
