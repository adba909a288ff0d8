import {
  applyDecorators,
  createParamDecorator,
  HttpStatus,
  Injectable,
  SetMetadata,
  UseGuards,
  UseInterceptors,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { ActorContext } from '@app/privacy';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { ProblemException } from '../../common/problem/problem.js';
import type { PartnerScope } from './api-keys.js';
import { Partners, type PartnerPrincipal } from './partners.service.js';

type PartnerRequest = FastifyRequest & { partner?: PartnerPrincipal };

const SCOPES_KEY = 'storefront:partner-scopes';

const invalidKey = (): ProblemException =>
  new ProblemException(
    HttpStatus.UNAUTHORIZED,
    'unauthorized',
    'Unauthorized',
    'A valid, unrevoked API key is required in the X-Api-Key header.',
    {},
    { 'www-authenticate': 'ApiKey header="X-Api-Key"' },
  );

/** The scopes a partner route needs (all of them); checked by PartnerAuthGuard, 403 when one is missing. */
export const PartnerScopes = (...scopes: PartnerScope[]): MethodDecorator & ClassDecorator =>
  SetMetadata(SCOPES_KEY, scopes);

/**
 * Authenticates `X-Api-Key` on /api/v1/partner/...: 401 for a missing, unknown or revoked key (or a
 * deactivated partner), never saying which; 403 when the key lacks a scope the route needs. The
 * key is compared as its SHA-256 hash by an index lookup in the database (see api-keys.ts).
 */
@Injectable()
export class PartnerAuthGuard implements CanActivate {
  constructor(
    private readonly partners: Partners,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<PartnerRequest>();
    const presented = request.headers['x-api-key'];
    if (typeof presented !== 'string' || presented.length === 0) throw invalidKey();
    const principal = await this.partners.authenticate(presented.trim());
    if (!principal) throw invalidKey();
    const required =
      this.reflector.getAllAndMerge<PartnerScope[]>(SCOPES_KEY, [context.getHandler(), context.getClass()]) ??
      [];
    const missing = required.filter((scope) => !principal.scopes.includes(scope));
    if (missing.length > 0)
      throw new ProblemException(
        HttpStatus.FORBIDDEN,
        'insufficient-scope',
        'Forbidden',
        `This API key lacks the scope ${missing.join(', ')} this route needs.`,
        { requiredScopes: required },
      );
    request.partner = principal;
    return true;
  }
}

/**
 * Runs the route as the partner (ActorContext { type: 'partner', id, role: kind }), so the audit and
 * disclosure logs name it. An interceptor, not the guard: the guard must await the key lookup, and an
 * actor entered after an await does not reach the handler; wrapping the handler does.
 */
@Injectable()
export class PartnerActorInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const partner = context.switchToHttp().getRequest<PartnerRequest>().partner;
    if (!partner) throw invalidKey();
    return ActorContext.run({ type: 'partner', id: partner.partnerId, role: partner.kind }, () =>
      next.handle(),
    );
  }
}

/** Puts a controller on the partner API: key authentication, scopes, the partner as actor, docs. */
export const PartnerApi = (): ClassDecorator =>
  applyDecorators(
    UseGuards(PartnerAuthGuard),
    UseInterceptors(PartnerActorInterceptor),
    ApiHeader({ name: 'X-Api-Key', required: true, description: "The partner's API key." }),
    ApiResponse({ status: 401, description: 'Missing, unknown or revoked API key.' }),
    ApiResponse({ status: 403, description: 'The API key lacks a scope the route needs.' }),
  );

/** The authenticated partner of the request (after PartnerAuthGuard). */
export const CurrentPartner = createParamDecorator(
  (_data: unknown, context: ExecutionContext): PartnerPrincipal => {
    const partner = context.switchToHttp().getRequest<PartnerRequest>().partner;
    if (!partner) throw invalidKey();
    return partner;
  },
);
