import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cronJobs, jobs } from '../../src/api/batch/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { newCronJobController } from '../../src/controllers/cronjob.js';
import type { Job } from '../../src/controllers/job/types.js';
import { eventsOf, waitFor, startControllers, type ControllerHarness } from '../support/controllers.js';

type CronJob = KubeObject & { status?: { active?: { name: string }[]; lastScheduleTime?: string; lastSuccessfulTime?: string } };

describe('cronjob controller (injected clock)', () => {
  let h: ControllerHarness;
  // The controller's clock: the tests move it; a touch of the CronJob makes it look.
  let clock = Date.now();
  before(async () => {
    h = await startControllers([newCronJobController({ now: () => new Date(clock) })]);
  });
  after(async () => {
    await h.stop();
  });

  const create = (name: string, spec: Record<string, unknown>) =>
    h.client.create<CronJob>(cronJobs, 'default', {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name },
      spec: { schedule: '* * * * *', jobTemplate: { metadata: { labels: { app: name } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } }, ...spec },
    });
  let touches = 0;
  const touch = (name: string) => h.client.patch(cronJobs, 'default', name, { metadata: { annotations: { 'test/touch': String(++touches) } } });
  const childJobs = async (cj: KubeObject) => (await h.client.list<Job>(jobs, 'default')).items.filter((j) => j.metadata.ownerReferences?.[0]?.uid === cj.metadata.uid && !j.metadata.deletionTimestamp);
  const complete = (j: Job, type: 'Complete' | 'Failed' = 'Complete') =>
    h.client.patch(jobs, 'default', j.metadata.name ?? '', { status: { startTime: new Date(clock).toISOString().replace(/\.\d+Z$/, 'Z'), ...(type === 'Complete' ? { completionTime: new Date(clock).toISOString().replace(/\.\d+Z$/, 'Z'), succeeded: 1 } : { failed: 1 }), conditions: [{ type: type === 'Complete' ? 'SuccessCriteriaMet' : 'FailureTarget', status: 'True' }, { type, status: 'True' }] } }, 'merge', { subresource: 'status' });
  /** The next whole minute after the clock, plus a second. */
  const advanceToNextMinute = () => {
    clock = (Math.floor(clock / 60_000) + 1) * 60_000 + 1000;
    return Math.floor(clock / 60_000);
  };
  const jobCount = async (cj: KubeObject, n: number) => {
    await waitFor(`${String(n)} jobs`, async () => ((await childJobs(cj)).length === n ? true : undefined));
    return childJobs(cj);
  };

  test('a Job per schedule named after its minute; Forbid skips while one runs; completion is seen', async () => {
    const cj = await create('every', { concurrencyPolicy: 'Forbid' });
    await touch('every');
    const minute = advanceToNextMinute();
    await touch('every');
    const [j] = await jobCount(cj, 1);
    assert.equal(j?.metadata.name, `every-${String(minute)}`);
    assert.equal(j.metadata.labels?.app, 'every');
    assert.equal(j.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], new Date(minute * 60_000).toISOString().replace(/\.\d+Z$/, 'Z'));
    const cur = await waitFor('status', async () => {
      const c = await h.client.get<CronJob>(cronJobs, 'default', 'every');
      return c.status?.active?.length === 1 ? c : undefined;
    });
    assert.equal(cur.status?.lastScheduleTime, new Date(minute * 60_000).toISOString().replace(/\.\d+Z$/, 'Z'));
    // The next minute: the Job still runs, Forbid starts nothing.
    advanceToNextMinute();
    await touch('every');
    await waitFor('JobAlreadyActive', async () => (await eventsOf(h.client, cj)).some((e) => e.reason === 'JobAlreadyActive' && e.message === 'Not starting job because prior execution is running and concurrency policy is Forbid'));
    assert.equal((await childJobs(cj)).length, 1);
    await complete(j);
    const seen = await waitFor('SawCompletedJob and a new run', async () => {
      const c = await h.client.get<CronJob>(cronJobs, 'default', 'every');
      return c.status?.lastSuccessfulTime && (await childJobs(cj)).length === 2 ? c : undefined;
    });
    assert.equal(seen.status?.active?.length, 1);
    const events = await eventsOf(h.client, cj);
    assert.ok(events.some((e) => e.reason === 'SawCompletedJob' && e.message === `Saw completed job: ${j.metadata.name ?? ''}, condition: Complete`));
    assert.ok(events.some((e) => e.reason === 'SuccessfulCreate' && e.message === `Created job ${j.metadata.name ?? ''}`));
  });

  test('Replace deletes the running Job for the new one', async () => {
    const cj = await create('replace', { concurrencyPolicy: 'Replace' });
    advanceToNextMinute();
    await touch('replace');
    const [first] = await jobCount(cj, 1);
    advanceToNextMinute();
    await touch('replace');
    await waitFor('replaced', async () => {
      const js = await childJobs(cj);
      return js.length === 1 && js[0]?.metadata.uid !== first?.metadata.uid ? true : undefined;
    });
    assert.ok((await eventsOf(h.client, cj)).some((e) => e.reason === 'SuccessfulDelete' && e.message === `Deleted job ${first?.metadata.name ?? ''}`));
  });

  test('Allow runs concurrently; successfulJobsHistoryLimit keeps the newest finished Job', async () => {
    const cj = await create('history', { successfulJobsHistoryLimit: 1 });
    advanceToNextMinute();
    await touch('history');
    const [a] = await jobCount(cj, 1);
    advanceToNextMinute();
    await touch('history');
    const two = await jobCount(cj, 2);
    const b = two.find((j) => j.metadata.uid !== a?.metadata.uid);
    assert.ok(a && b);
    await complete(a);
    clock += 1000;
    await complete(b);
    await waitFor('oldest removed', async () => {
      const js = await childJobs(cj);
      return js.length === 1 && js[0]?.metadata.uid === b.metadata.uid ? true : undefined;
    });
  });

  test('startingDeadlineSeconds: a start missed by more than the deadline is skipped; the next one runs', async () => {
    const cj = await create('deadline', { startingDeadlineSeconds: 10 });
    advanceToNextMinute();
    clock += 30_000; // 31 s after the scheduled time: too late
    await touch('deadline');
    const minute = advanceToNextMinute(); // 1 s after the next one: in time
    await touch('deadline');
    const [j] = await jobCount(cj, 1);
    assert.equal(j?.metadata.name, `deadline-${String(minute)}`);
  });

  test('suspend: no Jobs', async () => {
    const cj = await create('paused', { suspend: true });
    advanceToNextMinute();
    await touch('paused');
    await h.client.patch(cronJobs, 'default', 'paused', { spec: { suspend: false } });
    // Resumed: the missed minute runs (no deadline).
    await jobCount(cj, 1);
  });
});
