import {
  applyDecorators,
  createParamDecorator,
  Injectable,
  UseGuards,
  UseInterceptors,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { DomainError } from '@app/core';
import { ActorContext } from '@app/privacy';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { Devices, type DevicePrincipal } from './devices.service.js';

type DeviceRequest = FastifyRequest & { device?: DevicePrincipal };

export const DEVICE_CREDENTIAL_HEADER = 'x-device-key';

export class DeviceUnauthenticatedError extends DomainError {
  constructor() {
    super('unauthenticated', 'unauthorized', 'Unauthorized', {
      detail: 'A valid, unrevoked device credential is required in the X-Device-Key header.',
      headers: { 'www-authenticate': 'DeviceKey header="X-Device-Key"' },
    });
  }
}

/**
 * Authenticates `X-Device-Key` on /api/v1/device/...: 401 for a missing, unknown or revoked credential
 * or a deactivated practice, never saying which. The credential is compared as its SHA-256 hash by an
 * index lookup in the database.
 */
@Injectable()
export class DeviceAuthGuard implements CanActivate {
  constructor(private readonly devices: Devices) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<DeviceRequest>();
    const presented = request.headers[DEVICE_CREDENTIAL_HEADER];
    if (typeof presented !== 'string' || presented.length === 0) throw new DeviceUnauthenticatedError();
    const principal = await this.devices.authenticate(presented.trim());
    if (!principal) throw new DeviceUnauthenticatedError();
    request.device = principal;
    return true;
  }
}

/**
 * Runs the route as the practice, naming the device (ActorContext { type: 'partner', id: practice,
 * role: device:<id> }), so the audit and disclosure logs say who read what. An interceptor because an
 * actor entered after the guard's await would not reach the handler.
 */
@Injectable()
export class DeviceActorInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const device = context.switchToHttp().getRequest<DeviceRequest>().device;
    if (!device) throw new DeviceUnauthenticatedError();
    return ActorContext.run(
      { type: 'partner', id: device.practiceId, role: `device:${device.deviceId}` },
      () => next.handle(),
    );
  }
}

/** Puts a controller on the device API: credential authentication, the practice as actor, docs. */
export const DeviceApi = (): ClassDecorator =>
  applyDecorators(
    UseGuards(DeviceAuthGuard),
    UseInterceptors(DeviceActorInterceptor),
    ApiHeader({ name: 'X-Device-Key', required: true, description: "The device's credential." }),
    ApiResponse({ status: 401, description: 'Missing, unknown or revoked device credential.' }),
  );

/** The authenticated device of the request (after DeviceAuthGuard). */
export const CurrentDevice = createParamDecorator(
  (_data: unknown, context: ExecutionContext): DevicePrincipal => {
    const device = context.switchToHttp().getRequest<DeviceRequest>().device;
    if (!device) throw new DeviceUnauthenticatedError();
    return device;
  },
);
