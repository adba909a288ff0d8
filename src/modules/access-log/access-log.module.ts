import { Logger, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobQueue, PrivacyModule } from '@app/privacy';
import { AppConfig } from '../../config/app-config.js';
import { ACCESS_LOG_MAINTENANCE_JOB, AccessLogPartitions } from './access-log-partitions.js';
import { AccessLogLine, HeldAccessLogLine } from './access-log-line.entity.js';
import { ACCESS_LOG } from './access-log.declarations.js';
import { ACCESS_LOG_RECORDS } from './access-log.rights.js';
import { AccessLogWriter } from './access-log.writer.js';

/**
 * The web server access log (registry activity `access-log`): every request but the health check,
 * written in batches off the request path (AccessLogWriter), kept 7 days by dropping day partitions
 * (AccessLogPartitions), with incident legal holds honoured. No routes.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([AccessLogLine, HeldAccessLogLine]),
    PrivacyModule.forFeature({ activities: [ACCESS_LOG], records: [ACCESS_LOG_RECORDS] }),
  ],
  providers: [AccessLogWriter, AccessLogPartitions],
  exports: [AccessLogWriter, AccessLogPartitions],
})
export class AccessLogModule implements OnModuleInit {
  private readonly logger = new Logger('AccessLog');

  constructor(
    private readonly partitions: AccessLogPartitions,
    private readonly jobs: JobQueue,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    // Retention runs whether or not new lines are written (ACCESS_LOG_ENABLED): old ones must still go.
    this.jobs.declareQueue(ACCESS_LOG_MAINTENANCE_JOB, {
      policy: 'stately',
      retryLimit: 3,
      expireInSeconds: 900,
    });
    await this.jobs.work(ACCESS_LOG_MAINTENANCE_JOB, async () => {
      await this.partitions.maintainPartitions(new Date());
    });
    await this.jobs.schedule(
      ACCESS_LOG_MAINTENANCE_JOB,
      this.config.ACCESS_LOG_MAINTENANCE_CRON,
      {},
      { missed: 'once' },
    );
    // Today's and tomorrow's partitions exist before the first request; a failure here is retried by the job.
    try {
      await this.partitions.maintainPartitions(new Date());
    } catch (error) {
      this.logger.error(
        `access-log partition maintenance failed at start (${error instanceof Error ? error.message : String(error)}); lines go to the default partition until the next run`,
      );
    }
  }
}
