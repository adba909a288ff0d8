import { Module } from '@nestjs/common';
import { JobQueue } from './job-queue.js';

/** The pg-boss job queue (needs PRIVACY_OPTIONS, provided globally by the PrivacyModule). */
@Module({ providers: [JobQueue], exports: [JobQueue] })
export class JobsModule {}
