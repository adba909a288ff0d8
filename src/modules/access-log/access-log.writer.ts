import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { LineBuffer } from './line-buffer.js';
import { normaliseIp, sanitiseReferrer, sanitiseUrl } from './request-sanitiser.js';
import { UserAgentParser } from './user-agent.js';

/** What the request hook keeps of a request: references to what Fastify has anyway, no work. */
export interface RawAccessLine {
  /** Epoch ms when the request arrived. */
  at: number;
  ip: string | undefined;
  method: string;
  /** Raw; sanitised by the flusher before anything is stored. */
  url: string;
  status: number;
  referrer: string | undefined;
  userAgent: string | undefined;
  durationMs: number;
  requestId: string;
}

/** Lines per INSERT: unnest() takes one array per column, so the statement has 12 parameters whatever the batch. */
const BATCH_SIZE = 1000;

/** Liveness probes are not visits: polled every few seconds by the orchestrator, they would drown the log. */
const isHealthCheck = (url: string): boolean =>
  url === '/health' || url.startsWith('/health/') || url.startsWith('/health?');

// Times go as epoch milliseconds (a float array serialises several times faster than a Date array).
const INSERT = `
  insert into access_log
    (occurred_at, ip, method, url, status, referrer, browser_name, browser_version, os_name, os_version, duration_ms, request_id)
  select to_timestamp(u.at / 1000.0), u.ip, u.method, u.url, u.status, u.referrer, u.browser_name, u.browser_version,
         u.os_name, u.os_version, u.duration_ms, u.request_id
    from unnest(
      $1::float8[], $2::inet[], $3::text[], $4::text[], $5::smallint[], $6::text[],
      $7::text[], $8::text[], $9::text[], $10::text[], $11::real[], $12::text[])
      as u(at, ip, method, url, status, referrer, browser_name, browser_version, os_name, os_version, duration_ms, request_id)`;

/** A database error's code and class only: its message could quote a value (an IP address). */
function describeError(error: unknown): string {
  const code =
    (error as { driverError?: { code?: unknown }; code?: unknown } | null)?.driverError?.code ??
    (error as { code?: unknown } | null)?.code;
  const name = error instanceof Error ? error.constructor.name : typeof error;
  return typeof code === 'string' ? `${name} ${code}` : name;
}

/**
 * Writes the web server access log. A Fastify `onResponse` hook (registered on the application's own
 * Fastify instance when the module starts) pushes a small record of references into a bounded buffer;
 * the buffer is written every ACCESS_LOG_FLUSH_INTERVAL_MS or every BATCH_SIZE lines with one INSERT,
 * where the URL and referrer are sanitised and the User-Agent parsed. Nothing of it runs on the request:
 * the response has been sent when the hook runs, and the hook only appends to an array.
 *
 * On shutdown the buffer is written before the HTTP server closes, and once more from Fastify's
 * `onClose` (after the last in-flight request has finished, before the connection pool closes).
 */
@Injectable()
export class AccessLogWriter implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('AccessLog');
  private readonly userAgents = new UserAgentParser();
  private readonly buffer: LineBuffer<RawAccessLine>;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {
    this.buffer = new LineBuffer<RawAccessLine>(
      (batch) => this.insert(batch),
      {
        maxBuffered: config.ACCESS_LOG_MAX_BUFFERED,
        batchSize: BATCH_SIZE,
        flushIntervalMs: config.ACCESS_LOG_FLUSH_INTERVAL_MS,
      },
      {
        writeFailed: (error, lines) =>
          this.logger.warn(
            `writing ${lines} access-log lines failed (${describeError(error)}); kept for the next attempt while there is room`,
          ),
        dropped: (count, total) =>
          this.logger.warn(
            `${count} access-log lines dropped: buffer of ${config.ACCESS_LOG_MAX_BUFFERED} full (${total} since start)`,
          ),
      },
    );
  }

  get enabled(): boolean {
    return this.config.ACCESS_LOG_ENABLED;
  }

  onModuleInit(): void {
    if (!this.enabled) return;
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return; // an application context without HTTP (a CLI): nothing to log
    fastify.addHook(
      'onResponse',
      (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
        this.record(request, reply);
        done();
      },
    );
    fastify.addHook('onClose', async () => {
      await this.flush();
    });
    this.buffer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.buffer.stop();
  }

  /** Writes what is buffered now (tests, benchmarks, shutdown). */
  async flush(): Promise<void> {
    if (this.dataSource.isInitialized) await this.buffer.flush();
  }

  /** Lines written, dropped (buffer full) and failed writes since start. */
  stats(): ReturnType<LineBuffer<RawAccessLine>['stats']> {
    return this.buffer.stats();
  }

  private record(request: FastifyRequest, reply: FastifyReply): void {
    const url = request.url;
    if (isHealthCheck(url)) return;
    const durationMs = reply.elapsedTime;
    this.buffer.push({
      at: Date.now() - durationMs,
      ip: request.ip,
      method: request.method,
      url,
      status: reply.statusCode,
      referrer: request.headers.referer,
      userAgent: request.headers['user-agent'],
      durationMs,
      requestId: request.id,
    });
  }

  private async insert(batch: RawAccessLine[]): Promise<void> {
    const columns: unknown[][] = Array.from({ length: 12 }, () => new Array<unknown>(batch.length));
    batch.forEach((line, i) => {
      const software = this.userAgents.parse(line.userAgent);
      columns[0][i] = line.at;
      columns[1][i] = normaliseIp(line.ip);
      columns[2][i] = line.method.slice(0, 16);
      columns[3][i] = sanitiseUrl(line.url);
      columns[4][i] = line.status;
      columns[5][i] = sanitiseReferrer(line.referrer);
      columns[6][i] = software.browserName;
      columns[7][i] = software.browserVersion;
      columns[8][i] = software.osName;
      columns[9][i] = software.osVersion;
      columns[10][i] = Math.round(line.durationMs * 1000) / 1000;
      columns[11][i] = line.requestId.slice(0, 128);
    });
    await this.dataSource.query(INSERT, columns);
  }
}
