import { Module, RequestMethod } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule, type Params } from 'nestjs-pino';
import type { Options as HttpLoggerOptions } from 'pino-http';
import { pino } from 'pino';
import { AppConfig } from '../../config/app-config.js';
import { pinoOptions } from './pino-options.js';
import { redactUrl } from './redaction.js';
import { requestIdOf } from './request-id.js';

/** Standard output, or (LOG_FILE) the file, appended synchronously so nothing is lost on exit. */
function withDestination(file: string, options: HttpLoggerOptions): Params['pinoHttp'] {
  if (!file) return options;
  return [options, pino.destination({ dest: file, sync: true, mkdir: true, append: true })];
}

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // nestjs-pino's default route pattern ('{/*splat}') is never matched by the Fastify adapter's
        // middleware (checked with nestjs-pino 5.2.1 and @nestjs/platform-fastify 12.5.0): name every path.
        forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
        pinoHttp: withDestination(config.LOG_FILE, {
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
        }),
      }),
    }),
  ],
})
export class LoggingModule {}
