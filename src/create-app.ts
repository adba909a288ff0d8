import type { IncomingMessage } from 'node:http';
import fastifyMultipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppModuleOptions } from './app.module.js';
import { requestIdOf } from './common/logging/request-id.js';
import { parseGuardedJson } from './common/problem/guarded-json.js';
import { createValidationPipe } from './common/problem/validation.js';

/**
 * Builds the HTTP application exactly as production runs it; the e2e tests use this too, so what
 * they prove is what ships.
 */
export async function createApp(options: AppModuleOptions): Promise<NestFastifyApplication> {
  const { config } = options;
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    genReqId: (req: IncomingMessage) => requestIdOf(req),
    // Let in-flight requests finish on close; idle keep-alive sockets are closed at once.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    logger: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(options), adapter, {
    bufferLogs: true,
    abortOnError: false,
    rawBody: true,
  });
  app.useLogger(app.get(Logger));
  // Hostile JSON (thousands of levels deep, a huge member count, `__proto__`) is refused while parsing,
  // before class-transformer and class-validator recurse into it. The raw body stays available (webhooks).
  const limits = { maxDepth: config.JSON_MAX_DEPTH, maxMembers: config.JSON_MAX_MEMBERS };
  app.useBodyParser('application/json', { bodyLimit: config.BODY_LIMIT_BYTES }, (_req, body, done) => {
    try {
      done(null, parseGuardedJson(body, limits));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.useGlobalPipes(createValidationPipe());
  // multipart/form-data (device uploads): nothing is parsed until a route reads the parts, with the
  // limits it sets itself (src/modules/device-analysis/upload-multipart.ts); these are the ceilings.
  // Queued, not awaited: awaiting would boot Fastify's plugin queue before Nest installs its error
  // handler, and errors raised before a handler would then bypass the ProblemFilter.
  void app.register(fastifyMultipart, {
    limits: { fileSize: config.DEVICE_IMAGE_MAX_BYTES, files: 2, fields: 2, parts: 3, fieldSize: 16 * 1024 },
  });

  // The correlation id goes back on every answer, including 404s no route handled.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      void reply.header('x-request-id', request.id);
      done();
    });

  // Errors Fastify raises before a handler runs (malformed JSON, body too large) reach the global
  // ProblemFilter too: Nest installs Fastify's error handler and wraps them (see toProblem).

  if (config.OPENAPI_ENABLED) {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Storefront API')
        .setDescription('Privacy-compliant storefront backend. Errors are RFC 9457 application/problem+json.')
        .setVersion('1')
        .addBearerAuth()
        .build(),
    );
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  }
  await app.init();
  return app;
}
