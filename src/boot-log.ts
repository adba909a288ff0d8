import { pino, type Logger } from 'pino';
import { pinoOptions } from './common/logging/pino-options.js';

/** The logger used before (and after) the Nest application exists: same format and redaction. */
export function bootLog(level: string): Logger {
  return pino({ ...pinoOptions(level), base: { pid: process.pid, context: 'Boot' } });
}
