import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where the console is served. The staff API stays under /api/v1/admin. */
export const CONSOLE_PREFIX = '/admin/';

/**
 * The console's Content-Security-Policy: everything from this origin only, no inline script or
 * style, no eval, no framing, no plugins. The page calls only the same-origin API.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

/**
 * Where the built console is: `dist/console` (built by `npm run build` from `console/`). From the
 * compiled module (dist/src/modules/admin-console) that is ../../../console; from the sources (the
 * tests run them) ../../../dist/console.
 */
export function consoleRoot(): string | null {
  for (const relative of ['../../../dist/console/', '../../../console/']) {
    const path = fileURLToPath(new URL(relative, import.meta.url));
    // The built page has its assets beside it (the sources in console/ have an index.html too).
    if (existsSync(`${path}index.html`) && existsSync(`${path}assets`)) return path;
  }
  return null;
}

/** Serves the staff console (static files) at /admin with its security headers. */
@Injectable()
export class AdminConsole implements OnModuleInit {
  private readonly logger = new Logger(AdminConsole.name);

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // Every answer under /admin (the page, its assets, the redirect, a 404) carries the headers.
    fastify.addHook('onSend', (request, reply, payload, done) => {
      const path = request.url.split('?')[0];
      if (path === '/admin' || path.startsWith(CONSOLE_PREFIX)) {
        for (const [name, value] of Object.entries(CONSOLE_HEADERS)) void reply.header(name, value);
      }
      done(null, payload);
    });
    const root = consoleRoot();
    if (!root) {
      // Not built (a bare `tsc` or test run without `npm run build`): say so instead of a bare 404.
      this.logger.warn('The staff console is not built (npm run build); /admin answers 503.');
      const notBuilt = (_request: unknown, reply: FastifyReply) =>
        reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .send('The staff console is not built: run npm run build.');
      fastify.get('/admin', notBuilt);
      fastify.get('/admin/*', notBuilt);
      return;
    }
    fastify.get('/admin', (_request, reply) => reply.redirect(CONSOLE_PREFIX, 301));
    // Queued, not awaited: awaiting would boot Fastify's plugin queue before Nest installs its error
    // handler, and errors raised before a handler (hostile JSON) would then bypass the ProblemFilter.
    void fastify.register(fastifyStatic, {
      root,
      prefix: CONSOLE_PREFIX,
      index: ['index.html'],
      wildcard: true,
      dotfiles: 'deny',
      etag: true,
      lastModified: false,
      cacheControl: false,
      setHeaders: (reply: FastifyReply, path: string) => {
        // Hashed asset names change with their content; index.html must be fetched anew each time.
        void reply.header(
          'cache-control',
          path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
}
