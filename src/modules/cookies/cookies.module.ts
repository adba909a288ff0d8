import { Global, Module } from '@nestjs/common';
import { PrivacyModule } from '@app/privacy';
import { CookieCapHook } from './cookie-cap.hook.js';
import { CookieCatalogue } from './cookie-catalogue.js';
import { CookiesController } from './cookies.controller.js';
import { COOKIES } from './cookies.declarations.js';

/**
 * Cookies: the catalogue every module declares its cookies in, the hook that enforces it on every
 * answer (one-year cap, undeclared cookies dropped), and the list for the cookie notice. Global, so
 * any module can declare and set its cookies through the CookieCatalogue.
 */
@Global()
@Module({
  imports: [PrivacyModule.forFeature({ activities: [COOKIES] })],
  controllers: [CookiesController],
  providers: [CookieCatalogue, CookieCapHook],
  exports: [CookieCatalogue],
})
export class CookiesModule {}
