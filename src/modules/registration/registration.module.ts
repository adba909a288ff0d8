import { CUSTOMER_SESSION_CHECK } from '../../common/auth/session-check.js';
import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PrivacyModule, RetentionPolicies, RightsRegistry } from '@app/privacy';
import { AppConfig } from '../../config/app-config.js';
import { CookieCatalogue, COOKIES } from '../cookies/index.js';
import { NoticeCatalogue, NotificationsModule } from '../notifications/index.js';
import { CustomerDirectory } from './customer-directory.js';
import { AddressBook } from './address-book.service.js';
import { AddressesController } from './addresses.controller.js';
import { AuthController } from './auth.controller.js';
import { ConsentsController } from './consents.controller.js';
import { CustomerAddress } from './customer-address.entity.js';
import { CustomerAuth } from './customer-auth.service.js';
import { CustomerConsents } from './customer-consents.service.js';
import { CustomerSession } from './customer-session.entity.js';
import { CustomerSessions } from './customer-sessions.js';
import { Customer } from './customer.entity.js';
import { MeController } from './me.controller.js';
import { ProfileService } from './profile.service.js';
import { REFRESH_COOKIE, REFRESH_COOKIE_PATH } from './refresh-cookie.js';
import { RegistrationController } from './registration.controller.js';
import { MARKETING_EMAIL, REGISTRATION } from './registration.declarations.js';
import { CUSTOMER_RECIPIENT, registrationNotices, resolveCustomerRecipient } from './registration.notices.js';
import { ENDED_SESSIONS_POLICY, RegistrationRights } from './registration.rights.js';
import { RegistrationService } from './registration.service.js';
import { ActiveSessionGuard } from './signed-in-customer.guard.js';

/**
 * Customer accounts (Art. 6(1)(b)): registration, sign-in with rotating refresh tokens, the
 * profile and its rectification, the address book, and the customer's consents. See README.md.
 *
 * Other modules protect customer routes with `@SignedInCustomer()` (import this module for the
 * session guard's dependencies).
 */
/** Global: it provides the customer session check every module's CustomerAuthGuard uses. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([Customer, CustomerAddress, CustomerSession]),
    PrivacyModule.forFeature({ activities: [REGISTRATION, MARKETING_EMAIL] }),
    NotificationsModule,
  ],
  controllers: [
    RegistrationController,
    AuthController,
    MeController,
    AddressesController,
    ConsentsController,
  ],
  providers: [
    RegistrationService,
    CustomerAuth,
    CustomerSessions,
    ActiveSessionGuard,
    ProfileService,
    AddressBook,
    CustomerConsents,
    RegistrationRights,
    CustomerDirectory,
    // Every module's customer routes check the session through CustomerAuthGuard (src/common/auth).
    { provide: CUSTOMER_SESSION_CHECK, useExisting: CustomerSessions },
  ],
  exports: [CustomerSessions, ActiveSessionGuard, CUSTOMER_SESSION_CHECK, CustomerDirectory],
})
export class RegistrationModule implements OnModuleInit {
  constructor(
    private readonly rights: RightsRegistry,
    private readonly retention: RetentionPolicies,
    private readonly registrationRights: RegistrationRights,
    private readonly notices: NoticeCatalogue,
    private readonly cookies: CookieCatalogue,
    private readonly sessions: CustomerSessions,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.rights.registerExporter(this.registrationRights);
    this.rights.registerEraser(this.registrationRights);
    this.retention.register(ENDED_SESSIONS_POLICY);
    for (const template of registrationNotices(this.config.PRIVACY_CONTROLLER_NAME))
      this.notices.registerTemplate(template);
    this.notices.registerRecipients(CUSTOMER_RECIPIENT, resolveCustomerRecipient);
    this.cookies.declare({
      name: REFRESH_COOKIE,
      purpose:
        'Keeps you signed in: holds your single-use refresh token, sent only to the sign-in routes. Set when you sign in, deleted when you sign out.',
      activityId: COOKIES.id,
      maxAgeSeconds: this.sessions.refreshTtlSeconds,
      httpOnly: true,
      secure: true,
      sameSite: 'Strict',
      path: REFRESH_COOKIE_PATH,
    });
  }
}
