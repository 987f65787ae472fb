/** batch/v1 CronJob. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { invalid, notSupported, required } from '../field-errors.js';
import { defaultPodSpec } from '../core/index.js';
import { ensureObj, getObj, getStr, type Obj } from '../core/util.js';
import { cronScheduleError, timeZoneError } from './cron.js';
import { validateJobSpecCommon } from './job-validation.js';
import { nonNegative } from './selector.js';

const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'];
/** The cronjob controller appends `-<11 characters>` to a CronJob's name to name its Jobs (63 at most). */
const MAX_NAME_LENGTH = 52;
const validTimeZonePart = /^[A-Za-z.\-_0-9+]{1,14}$/;

/** SetDefaults_CronJob, and the pod defaults of the job template (the JobSpec itself is not defaulted, as upstream). */
function defaults(obj: KubeObject): void {
  const spec = ensureObj(obj, 'spec');
  if (!getStr(spec, 'concurrencyPolicy')) spec.concurrencyPolicy = 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  const jobSpec = ensureObj(ensureObj(spec, 'jobTemplate'), 'spec');
  defaultPodSpec(ensureObj(ensureObj(jobSpec, 'template'), 'spec'));
}

/** Upstream's validateScheduleFormat: a cron schedule, without TZ (unless the old schedule had one). */
function validateSchedule(schedule: string, allowTZ: boolean, hasTimeZone: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const err = cronScheduleError(schedule);
  if (err !== undefined) errs.push(invalid('spec.schedule', schedule, err));
  if (allowTZ && schedule.includes('TZ') && hasTimeZone)
    errs.push(invalid('spec.schedule', schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
  else if (!allowTZ && schedule.includes('TZ'))
    errs.push(invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  return errs;
}

/** Upstream's validateTimeZone: nil, or an explicit IANA zone name. */
export function validateTimeZone(tz: unknown, path: string): FieldError[] {
  if (typeof tz !== 'string') return [];
  if (tz === '') return [invalid(path, tz, 'timeZone must be nil or non-empty string')];
  for (const part of tz.split('/'))
    if (part === '.' || part === '..' || part.startsWith('-') || !validTimeZonePart.test(part)) return [invalid(path, tz, `unknown time zone ${tz}`)];
  const errs: FieldError[] = [];
  if (tz.toLowerCase() === 'local')
    errs.push(invalid(path, tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  const err = timeZoneError(tz);
  if (err !== undefined) errs.push(invalid(path, tz, err));
  return errs;
}

/** Upstream's ValidateJobTemplateSpec: the Job rules, with the selector left to the controller. */
function validateJobTemplate(template: Obj | undefined): FieldError[] {
  const jobSpec = getObj(template, 'spec') ?? {};
  const errs = validateJobSpecCommon(jobSpec, 'spec.jobTemplate.spec');
  if (jobSpec.selector != null) errs.push(invalid('spec.jobTemplate.spec.selector', jobSpec.selector, '`selector` will be auto-generated'));
  if (jobSpec.manualSelector === true) errs.push(notSupported('spec.jobTemplate.spec.manualSelector', true, ['nil', 'false']));
  return errs;
}

/** CronJob validation on create and update. */
function validate(obj: KubeObject, old?: KubeObject): FieldError[] {
  const spec = getObj(obj, 'spec') ?? {};
  const oldSpec = old ? getObj(old, 'spec') : undefined;
  const errs: FieldError[] = [];
  const schedule = getStr(spec, 'schedule') ?? '';
  if (schedule === '') errs.push(required('spec.schedule'));
  else errs.push(...validateSchedule(schedule, (getStr(oldSpec, 'schedule') ?? '').includes('TZ'), typeof spec.timeZone === 'string'));
  errs.push(...nonNegative(spec, 'startingDeadlineSeconds', 'spec.startingDeadlineSeconds'));
  if (!old || spec.timeZone !== oldSpec?.timeZone) errs.push(...validateTimeZone(spec.timeZone, 'spec.timeZone'));
  const policy = getStr(spec, 'concurrencyPolicy') ?? '';
  if (policy === '') errs.push(required('spec.concurrencyPolicy'));
  else if (!CONCURRENCY_POLICIES.includes(policy)) errs.push(notSupported('spec.concurrencyPolicy', policy, CONCURRENCY_POLICIES));
  errs.push(...validateJobTemplate(getObj(spec, 'jobTemplate')));
  errs.push(...nonNegative(spec, 'successfulJobsHistoryLimit', 'spec.successfulJobsHistoryLimit'));
  errs.push(...nonNegative(spec, 'failedJobsHistoryLimit', 'spec.failedJobsHistoryLimit'));
  const name = obj.metadata.name ?? '';
  // Only on create, so that older CronJobs with longer names can still be updated and deleted.
  if (!old && name.length > MAX_NAME_LENGTH) errs.push(invalid('metadata.name', name, `must be no more than ${MAX_NAME_LENGTH} characters`));
  return errs;
}

/** The `cronjobs` resource. */
export const cronJobs: ResourceDef = {
  group: 'batch',
  version: 'v1',
  resource: 'cronjobs',
  singular: 'cronjob',
  kind: 'CronJob',
  listKind: 'CronJobList',
  namespaced: true,
  shortNames: ['cj'],
  categories: ['all'],
  hasStatus: true,
  tracksGeneration: true,
  fieldSelectors: {},
  defaults,
  validate,
};
