import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { CookieCatalogue } from './cookie-catalogue.js';
import { capSetCookie, setCookieName } from './cookie-policy.js';

/** Set-Cookie as Fastify holds it: one string or a list of them. */
const asList = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
};

/**
 * The one place where the cookie rules are enforced: a Fastify `onSend` hook on the root instance,
 * so it sees every answer (handlers, errors, 404s) just before the headers leave. Each Set-Cookie is
 * checked against the CookieCatalogue: an undeclared cookie is dropped, a declared one is capped at
 * its declared lifetime and never above one year. The warning names the cookie, never its value.
 */
@Injectable()
export class CookieCapHook implements OnModuleInit {
  private readonly logger = new Logger('Cookies');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly catalogue: CookieCatalogue,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    // An application context without HTTP (a CLI) sends no cookies.
    if (!adapter) return;
    const fastify = adapter.getInstance<FastifyInstance>();
    fastify.addHook('onSend', (_request, reply, payload, done) => {
      this.enforce(reply);
      done(null, payload);
    });
  }

  /** Rewrites the Set-Cookie headers of one reply, just before it is sent. */
  enforce(reply: Pick<FastifyReply, 'getHeader' | 'removeHeader' | 'header'>, now = new Date()): void {
    // Fastify writes its own headers over those set on the raw response, so getHeader sees what leaves.
    const headers = asList(reply.getHeader('set-cookie'));
    if (headers.length === 0) return;
    const kept: string[] = [];
    for (const header of headers) {
      const name = setCookieName(header);
      const declared = this.catalogue.get(name);
      if (!declared) {
        this.logger.warn(`cookie "${name}" is not declared in the cookie catalogue: not sent`);
        continue;
      }
      const result = capSetCookie(header, now, declared.maxAgeSeconds);
      if (result.capped)
        this.logger.warn(
          `cookie "${name}" asked to live longer than declared: capped to ${declared.maxAgeSeconds} s`,
        );
      kept.push(result.header);
    }
    reply.removeHeader('set-cookie');
    if (kept.length > 0) reply.header('set-cookie', kept);
  }
}
