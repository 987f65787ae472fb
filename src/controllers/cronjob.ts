/**
 * The CronJob controller, as upstream's (v2): at each scheduled time it
 * creates a Job `<cronjob>-<scheduled minutes since the epoch>` from the
 * template, honouring `concurrencyPolicy`, `suspend`,
 * `startingDeadlineSeconds` and the time zone; it tracks the active Jobs
 * and the last schedule and success times, and deletes finished Jobs
 * beyond the history limits. The clock is injected so that tests drive
 * the schedule.
 */
import { cronJobs, jobs, timeZoneError } from '../api/batch/index.js';
import { parseSchedule, type CronSchedule } from '../api/batch/schedule.js';
import type { KubeObject } from '../api/meta.js';
import { indexers, isAlreadyExists, isNotFound, keyOf, WorkQueue, type Client, type EventRecorder } from '../client/index.js';
import type { Controller } from './controller.js';
import { jobFinished, type Job } from './job/types.js';
import { controllerRef, ownerRefTo } from './util/pods.js';
import { runQueue } from './util/run.js';
import { realClock, timestamp, type Clock } from './util/time.js';

/** The annotation on a Job naming the time it was scheduled for. */
export const SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** Upstream's limit on missed starts before it warns. */
const MAX_MISSED = 100;

interface ActiveRef {
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
  apiVersion: string;
  resourceVersion?: string;
}

interface CronJob extends KubeObject {
  spec: {
    schedule: string;
    timeZone?: string;
    startingDeadlineSeconds?: number;
    concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
    suspend?: boolean;
    successfulJobsHistoryLimit?: number;
    failedJobsHistoryLimit?: number;
    jobTemplate: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: Record<string, unknown> };
  };
  status?: { active?: ActiveRef[]; lastScheduleTime?: string; lastSuccessfulTime?: string };
}

/** The latest schedule time in (earliest, now] and how many there were. */
export function mostRecentSchedule(cj: CronJob, schedule: CronSchedule, now: Date): { time: Date | undefined; missed: number } {
  let earliest = Date.parse(cj.status?.lastScheduleTime ?? cj.metadata.creationTimestamp ?? '');
  if (Number.isNaN(earliest)) earliest = now.getTime();
  const sds = cj.spec.startingDeadlineSeconds;
  if (sds !== undefined) earliest = Math.max(earliest, now.getTime() - sds * 1000);
  let time: Date | undefined;
  let missed = 0;
  // Bounded: beyond a few thousand misses only the count's size matters.
  for (let t = schedule.next(new Date(earliest)); t && t <= now && missed < 100_000; t = schedule.next(t)) {
    time = t;
    missed++;
  }
  return { time, missed };
}

/** The Job for the run scheduled at `at`. */
export function jobFor(cj: CronJob, at: Date): KubeObject {
  const tpl = cj.spec.jobTemplate;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: `${cj.metadata.name ?? ''}-${String(Math.floor(at.getTime() / 60_000))}`,
      namespace: cj.metadata.namespace ?? '',
      labels: { ...(tpl.metadata?.labels ?? {}) },
      annotations: { ...(tpl.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP]: timestamp(at) },
      ownerReferences: [ownerRefTo(cj)],
    },
    spec: structuredClone(tpl.spec),
  };
}

const refTo = (j: KubeObject): ActiveRef => ({ kind: 'Job', namespace: j.metadata.namespace ?? '', name: j.metadata.name ?? '', uid: j.metadata.uid ?? '', apiVersion: 'batch/v1', resourceVersion: j.metadata.resourceVersion ?? '' });
const rfc1123z = (d: Date) => d.toUTCString().replace('GMT', '+0000');

/** New CronJob controller. */
export function newCronJobController(o: { now?: Clock } = {}): Controller {
  const now = o.now ?? realClock;
  return {
    name: 'cronjob',
    async run(ctx) {
      const cjInf = ctx.informers.for<CronJob>(cronJobs);
      const jobInf = ctx.informers.for<Job>(jobs).addIndex('owner', indexers.owner);
      const queue = new WorkQueue();
      const recorder = ctx.recorder('cronjob-controller');
      const onJob = (j: Job) => {
        const ref = controllerRef(j);
        if (ref?.kind === 'CronJob') queue.add(`${j.metadata.namespace ?? ''}/${ref.name}`);
      };
      cjInf.on({ add: (c) => queue.add(keyOf(c)), update: (_, c) => queue.add(keyOf(c)) });
      jobInf.on({ add: onJob, update: (_, j) => onJob(j), delete: onJob });
      if (!(await ctx.informers.synced())) return;

      await runQueue(ctx, 'cronjob', queue, 5, async (key) => {
        const cached = cjInf.get(key);
        if (!cached) return;
        const cj = structuredClone(cached);
        const uid = cj.metadata.uid ?? '';
        const children = jobInf.byIndex('owner', uid).filter((j) => controllerRef(j)?.uid === uid);
        const status = structuredClone(cj.status ?? {});
        const t = now();
        await reconcileActive(ctx.client, cj, status, children, recorder);
        const after = async () => {
          await cleanupHistory(ctx.client, cj, children, recorder);
          if (JSON.stringify(status) !== JSON.stringify(cj.status ?? {})) await ctx.client.update(cronJobs, { ...cj, status }, 'status');
        };
        if (cj.metadata.deletionTimestamp) return;
        const tzErr = cj.spec.timeZone !== undefined ? timeZoneError(cj.spec.timeZone) : undefined;
        if (tzErr !== undefined) {
          recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(cj.spec.timeZone)}: ${tzErr}`);
          return after();
        }
        const schedule = parseSchedule(cj.spec.schedule, cj.spec.timeZone);
        if (typeof schedule === 'string') {
          // A permanent problem: recorded, not retried.
          recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(cj.spec.schedule)} : ${schedule}`);
          return after();
        }
        const requeueNext = () => {
          const next = schedule.next(t);
          if (next) queue.addAfter(key, next.getTime() - t.getTime() + 100);
        };
        if (cj.spec.suspend) return after();
        const { time, missed } = mostRecentSchedule(cj, schedule, t);
        if (missed > MAX_MISSED) recorder.event(cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
        if (!time) {
          requeueNext();
          return after();
        }
        // Unreachable while the search above starts at the deadline, as upstream's; kept for its event.
        const sds = cj.spec.startingDeadlineSeconds;
        if (sds !== undefined && time.getTime() + sds * 1000 < t.getTime()) {
          recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(time)}`);
          requeueNext();
          return after();
        }
        const want = jobFor(cj, time);
        // Already started (the status write may not have landed) or already finished.
        if ((status.active ?? []).some((r) => r.name === want.metadata.name) || children.some((j) => j.metadata.name === want.metadata.name)) {
          requeueNext();
          return after();
        }
        const policy = cj.spec.concurrencyPolicy ?? 'Allow';
        if (policy === 'Forbid' && (status.active ?? []).length > 0) {
          recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
          requeueNext();
          return after();
        }
        if (policy === 'Replace') {
          for (const ref of status.active ?? []) {
            try {
              await ctx.client.delete(jobs, ref.namespace ?? cj.metadata.namespace ?? '', ref.name, { propagationPolicy: 'Background' });
              recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${ref.name}`);
            } catch (err) {
              if (!isNotFound(err)) throw err;
            }
          }
          status.active = [];
        }
        let created: KubeObject;
        try {
          created = await ctx.client.create(jobs, cj.metadata.namespace ?? '', want);
          recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${want.metadata.name ?? ''}`);
        } catch (err) {
          if (!isAlreadyExists(err)) {
            recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${err instanceof Error ? err.message : String(err)}`);
            throw err;
          }
          created = await ctx.client.get(jobs, cj.metadata.namespace ?? '', want.metadata.name ?? '');
        }
        status.active = [...(status.active ?? []), refTo(created)];
        status.lastScheduleTime = timestamp(time);
        requeueNext();
        return after();
      });
    },
  };
}

/** Drop finished or vanished Jobs from `status.active`, noting successes. */
async function reconcileActive(client: Client, cj: CronJob, status: NonNullable<CronJob['status']>, children: Job[], recorder: EventRecorder): Promise<void> {
  const byUid = new Map(children.map((j) => [j.metadata.uid ?? '', j]));
  const active: ActiveRef[] = [];
  for (const ref of status.active ?? []) {
    let j = byUid.get(ref.uid ?? '');
    if (!j) {
      // Not in the cache yet (just created) or gone: ask the API server, as upstream.
      j = await client.get<Job>(jobs, cj.metadata.namespace ?? '', ref.name).catch((err: unknown) => {
        if (isNotFound(err)) return undefined;
        throw err;
      });
    }
    if (!j || j.metadata.uid !== ref.uid) {
      recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
      continue;
    }
    const done = jobFinished(j);
    if (!done) {
      active.push(ref);
      continue;
    }
    recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name ?? ''}, condition: ${done.type}`);
    const finishedAt = j.status?.completionTime;
    if (done.type === 'Complete' && finishedAt && (!status.lastSuccessfulTime || Date.parse(finishedAt) > Date.parse(status.lastSuccessfulTime))) status.lastSuccessfulTime = finishedAt;
  }
  // Unfinished children not listed (a lost status write) are active too.
  for (const j of children) if (!jobFinished(j) && !active.some((r) => r.uid === j.metadata.uid)) active.push(refTo(j));
  if (active.length > 0) status.active = active;
  else delete status.active;
}

/** Delete the oldest finished Jobs beyond the history limits. */
async function cleanupHistory(client: Client, cj: CronJob, children: Job[], recorder: EventRecorder): Promise<void> {
  const startOf = (j: Job) => j.status?.startTime ?? j.metadata.creationTimestamp ?? '';
  const limits: [string, number | undefined][] = [
    ['Complete', cj.spec.successfulJobsHistoryLimit],
    ['Failed', cj.spec.failedJobsHistoryLimit],
  ];
  for (const [type, limit] of limits) {
    if (limit === undefined) continue;
    const finished = children.filter((j) => jobFinished(j)?.type === type && !j.metadata.deletionTimestamp).sort((a, b) => startOf(a).localeCompare(startOf(b)) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
    for (const j of finished.slice(0, Math.max(0, finished.length - limit))) {
      try {
        await client.delete(jobs, j.metadata.namespace ?? '', j.metadata.name ?? '', { propagationPolicy: 'Background' });
        recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata.name ?? ''}`);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }
}
