export {
  JobQueue,
  JOB_SCHEMA,
  type JobHandler,
  type JobScheduleOptions,
  type JobSendOptions,
  type QueueSettings,
} from './job-queue.js';
export { JobsModule } from './jobs.module.js';
export { transactionalDb } from './transactional-db.js';
