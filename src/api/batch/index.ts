/** The batch/v1 resources: Job and CronJob. */
import type { ResourceDef } from '../resource.js';
import { cronJobs } from './cronjob.js';
import { jobs } from './job.js';

/** The batch/v1 resources. */
export const batchV1: readonly ResourceDef[] = [jobs, cronJobs];

export { cronJobs, jobs };
export { defaultJob, defaultJobSpec, CONTROLLER_UID_LABEL, JOB_NAME_LABEL, LEGACY_CONTROLLER_UID_LABEL, LEGACY_JOB_NAME_LABEL } from './job-defaults.js';
export { validateLabelSelector } from './selector.js';
export { cronScheduleError, timeZoneError } from './cron.js';
