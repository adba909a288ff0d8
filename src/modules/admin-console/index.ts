// The staff console, served at /admin: what other modules may use.
// No personal data and so no processing activity of its own: it serves the console's static files; every
// personal datum the page shows comes from the staff API, whose modules declare, mask and audit it.
export { AdminConsoleModule } from './admin-console.module.js';
export { CONSOLE_CSP, CONSOLE_HEADERS, CONSOLE_PREFIX } from './admin-console.js';
