// The cookies module's public surface (docs/architecture.md).
export { CookiesModule } from './cookies.module.js';
export { CookieCatalogue } from './cookie-catalogue.js';
export { parseCookieHeader } from './cookie-policy.js';
export { COOKIES } from './cookies.declarations.js';
