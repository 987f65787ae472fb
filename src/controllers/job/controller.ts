/**
 * The Job controller, as upstream's: runs pods until `completions` succeed
 * (or, for Indexed Jobs, every index has), at most `parallelism` at once;
 * fails the Job past `backoffLimit` or `activeDeadlineSeconds`; honours
 * `suspend`. Pods carry the `batch.kubernetes.io/job-tracking` finalizer
 * so that each finished pod is counted exactly once: it is first recorded
 * in `status.uncountedTerminatedPods`, then its finalizer is removed, then
 * it moves into `succeeded`/`failed`. A finishing Job first gets
 * SuccessCriteriaMet or FailureTarget, and Complete or Failed once its
 * pods are gone.
 */
import { jobs } from '../../api/batch/index.js';
import { pods } from '../../api/core/index.js';
import { indexers, isNotFound, keyOf, WorkQueue, type EventRecorder, type Client } from '../../client/index.js';
import type { Controller, ControllerContext } from '../controller.js';
import { Expectations } from '../util/expectations.js';
import { controllerRef, isPodActive, isPodReady, podFinishTime, podPhase, type PodLike } from '../util/pods.js';
import { runQueue } from '../util/run.js';
import { realClock, timestamp, type Clock } from '../util/time.js';
import { formatIndexes, parseIndexes, podIndex } from './indexes.js';
import { newPod } from './pods.js';
import { jobFinished, trueCondition, type Job, type JobCondition, type JobStatus } from './types.js';

/** The finalizer that keeps a pod until the Job has counted it. */
export const TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';

export interface JobControllerOptions {
  readonly now?: Clock;
  /** First delay before replacing a failed pod (upstream: 10 s), doubling per failure since the last success. */
  readonly podFailureBackoffMs?: number;
  /** Longest such delay (upstream: 10 min). */
  readonly maxPodFailureBackoffMs?: number;
  readonly workers?: number;
}

/** Failures since the last success and when the last one happened (upstream's backoffRecord, kept in memory as upstream). */
interface BackoffRecord {
  failures: number;
  last: number;
}

/** New Job controller. */
export function newJobController(o: JobControllerOptions = {}): Controller {
  const now = o.now ?? realClock;
  const baseBackoff = o.podFailureBackoffMs ?? 10_000;
  const maxBackoff = o.maxPodFailureBackoffMs ?? 600_000;
  return {
    name: 'job',
    async run(ctx: ControllerContext) {
      const jobInf = ctx.informers.for<Job>(jobs);
      const podInf = ctx.informers.for<PodLike>(pods).addIndex('owner', indexers.owner);
      const queue = new WorkQueue();
      const expectations = new Expectations();
      /** Pods whose finalizer this controller removed (and counted), until the cache shows them without it. */
      const counted = new Set<string>();
      const backoffs = new Map<string, BackoffRecord>();
      const recorder = ctx.recorder('job-controller');
      const jobKeyOf = (p: PodLike) => {
        const ref = controllerRef(p);
        return ref?.kind === 'Job' && p.metadata.namespace ? `${p.metadata.namespace}/${ref.name}` : undefined;
      };
      const onPod = (p: PodLike, event: 'add' | 'update' | 'delete', old?: PodLike) => {
        if (event === 'delete' || !p.metadata.finalizers?.includes(TRACKING_FINALIZER)) counted.delete(p.metadata.uid ?? '');
        const key = jobKeyOf(p);
        if (!key) return;
        if (event === 'add') expectations.observeAdd(key);
        // A deletion is observed when the pod is marked (its finalizer keeps it around), as upstream.
        if ((event === 'delete' && !p.metadata.deletionTimestamp) || (event === 'update' && p.metadata.deletionTimestamp && !old?.metadata.deletionTimestamp)) expectations.observeDel(key);
        queue.add(key);
      };
      jobInf.on({ add: (j) => queue.add(keyOf(j)), update: (_, j) => queue.add(keyOf(j)), delete: (j) => queue.add(keyOf(j)) });
      podInf.on({ add: (p) => onPod(p, 'add'), update: (old, p) => onPod(p, 'update', old), delete: (p) => onPod(p, 'delete') });
      if (!(await ctx.informers.synced())) return;

      const sync = async (key: string): Promise<void> => {
        const cached = jobInf.get(key);
        if (!cached || cached.metadata.deletionTimestamp) {
          expectations.delete(key);
          // Let go of the pods of a Job that is gone or going, as upstream, so that they (and their namespace) can go too.
          const held = podInf.list().filter((p) => jobKeyOf(p) === key && (!cached || controllerRef(p)?.uid === cached.metadata.uid) && p.metadata.finalizers?.includes(TRACKING_FINALIZER));
          await removeFinalizers(ctx.client, held, counted);
          return;
        }
        const job = structuredClone(cached);
        const uid = job.metadata.uid ?? '';
        const owned = podInf.byIndex('owner', uid).filter((p) => controllerRef(p)?.uid === uid);
        if (jobFinished(job)) {
          // Nothing more to count: let go of pods still held (e.g. after a restart).
          await removeFinalizers(ctx.client, owned.filter((p) => p.metadata.finalizers?.includes(TRACKING_FINALIZER)), counted);
          return;
        }
        const t = now();
        const status: JobStatus = structuredClone(job.status ?? {});
        const indexed = job.spec.completionMode === 'Indexed';
        const completions = job.spec.completions;
        const completed = parseIndexes(status.completedIndexes);

        // 1. Record newly finished pods as uncounted (a pod being deleted before it succeeded counts as failed).
        const uncounted = { succeeded: [...(status.uncountedTerminatedPods?.succeeded ?? [])], failed: [...(status.uncountedTerminatedPods?.failed ?? [])] };
        const known = new Set([...uncounted.succeeded, ...uncounted.failed]);
        let recorded = false;
        const backoff = backoffs.get(uid) ?? { failures: 0, last: 0 };
        for (const p of owned) {
          const pid = p.metadata.uid ?? '';
          if (!p.metadata.finalizers?.includes(TRACKING_FINALIZER) || known.has(pid) || counted.has(pid)) continue;
          const phase = podPhase(p);
          if (phase === 'Succeeded') {
            const i = podIndex(p);
            if (indexed && (i === undefined || completions === undefined || i >= completions)) uncounted.failed.push(pid);
            else uncounted.succeeded.push(pid);
            if (indexed && i !== undefined) completed.add(i);
            backoff.failures = 0;
          } else if (phase === 'Failed' || p.metadata.deletionTimestamp) {
            uncounted.failed.push(pid);
            backoff.failures++;
            backoff.last = Math.max(backoff.last, podFinishTime(p, t).getTime());
          } else continue;
          recorded = true;
        }
        backoffs.set(uid, backoff);
        if (recorded) {
          status.uncountedTerminatedPods = uncounted;
          if (indexed) status.completedIndexes = formatIndexes(completed);
          Object.assign(job, await writeStatus(ctx.client, job, status));
        }
        // 2. Let go of the recorded pods; 3. move them into the counts.
        const recordedUids = new Set([...uncounted.succeeded, ...uncounted.failed]);
        if (recordedUids.size > 0) {
          await removeFinalizers(ctx.client, owned.filter((p) => recordedUids.has(p.metadata.uid ?? '') && p.metadata.finalizers?.includes(TRACKING_FINALIZER)), counted);
          status.succeeded = indexed ? completed.size : (status.succeeded ?? 0) + uncounted.succeeded.length;
          status.failed = (status.failed ?? 0) + uncounted.failed.length;
          status.uncountedTerminatedPods = {};
        }
        status.succeeded ??= 0;
        status.failed ??= 0;

        const active = owned.filter((p) => isPodActive(p) && !recordedUids.has(p.metadata.uid ?? ''));
        const terminatingPods = owned.filter((p) => p.metadata.deletionTimestamp && p.metadata.finalizers?.includes(TRACKING_FINALIZER) && !recordedUids.has(p.metadata.uid ?? ''));
        const requeue = (ms: number) => queue.addAfter(key, ms);
        const finishing = finishingCondition(job, status, active, completed, t, requeue);
        const events: [type: 'Normal' | 'Warning', reason: string, message: string][] = [];
        let activeCount = active.length;
        if (finishing) {
          setCondition(status, finishing, t);
          if (active.length > 0) {
            expectations.expect(key, 0, active.length);
            await deletePods(ctx.client, recorder, job, active, () => expectations.observeDel(key));
          } else if (terminatingPods.length === 0) {
            // Every pod is gone or counted: the Job reaches its terminal condition.
            const terminal = { ...finishing, type: finishing.type === 'FailureTarget' ? 'Failed' : 'Complete' };
            setCondition(status, terminal, t);
            if (terminal.type === 'Complete') {
              status.completionTime = timestamp(t);
              events.push(['Normal', 'Completed', 'Job completed']);
            } else events.push(['Warning', terminal.reason ?? 'Failed', terminal.message ?? '']);
          }
          activeCount = 0;
        } else if (job.spec.suspend) {
          if (active.length > 0) {
            expectations.expect(key, 0, active.length);
            await deletePods(ctx.client, recorder, job, active, () => expectations.observeDel(key));
          }
          activeCount = 0;
          if (!trueCondition(job, 'Suspended')) {
            setCondition(status, { type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' }, t);
            events.push(['Normal', 'Suspended', 'Job suspended']);
          }
          delete status.startTime; // the deadline counts from the resume
        } else {
          if (trueCondition(job, 'Suspended')) {
            setCondition(status, { type: 'Suspended', status: 'False', reason: 'JobResumed', message: 'Job resumed' }, t);
            events.push(['Normal', 'Resumed', 'Job resumed']);
          }
          status.startTime ??= timestamp(t);
          if (job.spec.activeDeadlineSeconds !== undefined) requeue(Date.parse(status.startTime) + job.spec.activeDeadlineSeconds * 1000 - t.getTime());
          if (expectations.satisfied(key)) activeCount = await manage(job, status, active, completed, backoff);
        }
        status.active = activeCount;
        status.ready = finishing || job.spec.suspend ? 0 : active.filter(isPodReady).length;
        status.terminating = terminatingPods.length;
        if (JSON.stringify(status) !== JSON.stringify(job.status ?? {})) await writeStatus(ctx.client, job, status);
        for (const [type, reason, message] of events) recorder.event(job, type, reason, message);
      };

      /** Create or delete pods toward the wanted number of active ones; returns the new active count. */
      const manage = async (job: Job, status: JobStatus, active: PodLike[], completed: Set<number>, backoff: BackoffRecord): Promise<number> => {
        const key = keyOf(job);
        const parallelism = job.spec.parallelism ?? 1;
        const completions = job.spec.completions;
        const succeeded = status.succeeded ?? 0;
        let want: number;
        if (completions === undefined) want = succeeded > 0 ? active.length : parallelism;
        else want = Math.max(0, Math.min(parallelism, completions - succeeded));
        if (active.length > want) {
          // The surplus: not-ready pods first, then the newest.
          const surplus = [...active].sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)) || (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '')).slice(0, active.length - want);
          expectations.expect(key, 0, surplus.length);
          await deletePods(ctx.client, recorder, job, surplus, () => expectations.observeDel(key));
          return want;
        }
        if (active.length === want) return want;
        if (backoff.failures > 0) {
          const delay = Math.min(baseBackoff * 2 ** (backoff.failures - 1), maxBackoff);
          const remaining = backoff.last + delay - now().getTime();
          if (remaining > 0) {
            queue.addAfter(key, remaining);
            return active.length;
          }
        }
        let indexes: (number | undefined)[];
        if (job.spec.completionMode === 'Indexed' && completions !== undefined) {
          const running = new Set(active.map(podIndex));
          indexes = [];
          for (let i = 0; i < completions && indexes.length < want - active.length; i++) if (!completed.has(i) && !running.has(i)) indexes.push(i);
        } else indexes = Array.from({ length: want - active.length }, () => undefined);
        expectations.expect(key, indexes.length, 0);
        const results = await Promise.allSettled(indexes.map((i) => ctx.client.create<PodLike>(pods, job.metadata.namespace ?? '', newPod(job, i, TRACKING_FINALIZER))));
        let created = 0;
        for (const r of results) {
          if (r.status === 'fulfilled') {
            created++;
            recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${r.value.metadata.name ?? ''}`);
          } else {
            expectations.observeAdd(key);
            recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
          }
        }
        const failed = results.find((r) => r.status === 'rejected');
        if (failed) throw failed.reason;
        return active.length + created;
      };

      jobInf.on({ delete: (j) => backoffs.delete(j.metadata.uid ?? '') });
      await runQueue(ctx, 'job', queue, o.workers ?? 5, sync);
    },
  };
}

/**
 * The condition a Job reaches now, if any: kept if already set; else
 * FailureTarget past its backoff limit or deadline; else
 * SuccessCriteriaMet once enough pods (or every index) succeeded.
 */
function finishingCondition(job: Job, status: JobStatus, active: PodLike[], completed: Set<number>, t: Date, requeue: (ms: number) => void): JobCondition | undefined {
  const existing = trueCondition(job, 'FailureTarget') ?? trueCondition(job, 'SuccessCriteriaMet');
  if (existing) return existing;
  const backoffLimit = job.spec.backoffLimit ?? 6;
  const restarts = job.spec.template.spec.restartPolicy === 'OnFailure' ? active.reduce((n, p) => n + (p.status?.containerStatuses ?? []).reduce((m, c) => m + (c.restartCount ?? 0), 0), 0) : 0;
  if ((status.failed ?? 0) > backoffLimit || (restarts > 0 && restarts >= backoffLimit))
    return { type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
  const deadline = job.spec.activeDeadlineSeconds;
  if (deadline !== undefined && status.startTime && !job.spec.suspend && t.getTime() - Date.parse(status.startTime) >= deadline * 1000)
    return { type: 'FailureTarget', status: 'True', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
  if (deadline !== undefined && status.startTime) requeue(Date.parse(status.startTime) + deadline * 1000 - t.getTime());
  const completions = job.spec.completions;
  const succeeded = status.succeeded ?? 0;
  const done =
    job.spec.completionMode === 'Indexed'
      ? completions !== undefined && completed.size >= completions
      : completions === undefined
        ? succeeded > 0 && active.length === 0
        : succeeded >= completions;
  return done ? { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' } : undefined;
}

/** Add or change a condition; its transition time moves only when its status does. */
function setCondition(status: JobStatus, c: JobCondition, t: Date): void {
  const conditions = (status.conditions ??= []);
  const old = conditions.find((x) => x.type === c.type);
  const now = timestamp(t);
  if (old) {
    if (old.status === c.status && old.reason === c.reason) return;
    Object.assign(old, { status: c.status, reason: c.reason, message: c.message, lastProbeTime: now, lastTransitionTime: old.status === c.status ? old.lastTransitionTime : now });
  } else conditions.push({ type: c.type, status: c.status, lastProbeTime: now, lastTransitionTime: now, reason: c.reason ?? '', message: c.message ?? '' });
}

async function writeStatus(client: Client, job: Job, status: JobStatus): Promise<Job> {
  return client.update<Job>(jobs, { ...job, status }, 'status');
}

/** Remove the tracking finalizer from each pod (a pod already gone is fine). */
async function removeFinalizers(client: Client, list: PodLike[], counted: Set<string>): Promise<void> {
  await Promise.all(
    list.map(async (p) => {
      const i = p.metadata.finalizers?.indexOf(TRACKING_FINALIZER) ?? -1;
      if (i < 0) return;
      const patch = [
        { op: 'test', path: `/metadata/finalizers/${String(i)}`, value: TRACKING_FINALIZER },
        { op: 'remove', path: `/metadata/finalizers/${String(i)}` },
      ];
      try {
        await client.patch(pods, p.metadata.namespace ?? '', p.metadata.name ?? '', patch, 'json');
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      counted.add(p.metadata.uid ?? '');
    }),
  );
}

/** Delete pods, recording each (a pod already gone is fine). */
async function deletePods(client: Client, recorder: EventRecorder, job: Job, list: PodLike[], onDone: () => void): Promise<void> {
  await Promise.all(
    list.map(async (p) => {
      try {
        await client.delete(pods, p.metadata.namespace ?? '', p.metadata.name ?? '');
        recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name ?? ''}`);
      } catch (err) {
        onDone();
        if (!isNotFound(err)) throw err;
      }
    }),
  );
}
