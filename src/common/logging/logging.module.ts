import { Module, RequestMethod } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../../config/app-config.js';
import { pinoOptions } from './pino-options.js';
import { redactUrl } from './redaction.js';
import { requestIdOf } from './request-id.js';

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // nestjs-pino's default route pattern ('{/*splat}') is never matched by the Fastify adapter's
        // middleware (checked with nestjs-pino 5.2.1 and @nestjs/platform-fastify 12.5.0): name every path.
        forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
        pinoHttp: {
          ...pinoOptions(config.LOG_LEVEL),
          genReqId: (req: IncomingMessage) => requestIdOf(req),
          customAttributeKeys: { reqId: 'requestId' },
          // Only what operating the service needs; no headers, no IP, no body.
          serializers: {
            req: (req: { id: string; method: string; url?: string }) => ({
              id: req.id,
              method: req.method,
              url: redactUrl(req.url),
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
          customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
            err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
          autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
