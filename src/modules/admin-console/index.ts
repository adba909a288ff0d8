// The staff console, served at /admin: what other modules may use.
export { AdminConsoleModule } from './admin-console.module.js';
export { CONSOLE_CSP, CONSOLE_HEADERS, CONSOLE_PREFIX } from './admin-console.js';
