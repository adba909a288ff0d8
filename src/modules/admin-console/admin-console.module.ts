import { Module } from '@nestjs/common';
import { AdminConsole } from './admin-console.js';

/**
 * The staff console (console/, React) served at /admin. It holds no data and talks only to the
 * existing staff API, which enforces roles and masking; so it declares no processing of its own.
 */
@Module({ providers: [AdminConsole] })
export class AdminConsoleModule {}
