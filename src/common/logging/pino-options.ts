import { scrub, scrubString } from './redaction.js';

/** pino options shared by the HTTP logger and by the command-line tools. */
export function pinoOptions(level: string) {
  return {
    level,
    // pino's path redaction is the first net for the well-known places; `scrub` catches the rest.
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        'res.headers["set-cookie"]',
      ],
      censor: '[REDACTED]',
    },
    formatters: {
      log: (object: Record<string, unknown>) => scrub(object) as Record<string, unknown>,
    },
    hooks: {
      logMethod(this: unknown, args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? scrubString(a) : a)),
        );
      },
    },
  };
}
