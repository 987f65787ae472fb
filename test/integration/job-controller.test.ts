import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { jobs } from '../../src/api/batch/index.js';
import { pods } from '../../src/api/core/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { newGarbageCollector } from '../../src/controllers/garbagecollector.js';
import { newJobController } from '../../src/controllers/job/controller.js';
import { newTTLAfterFinishedController } from '../../src/controllers/job/ttl.js';
import type { Job } from '../../src/controllers/job/types.js';
import { eventsOf, waitFor, setPodPhase, startControllers, type ControllerHarness } from '../support/controllers.js';

type Pod = KubeObject & { spec: { hostname?: string; containers: { env?: { name: string }[] }[] }; status?: { phase?: string } };

const job = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } }, ...spec },
});

describe('job controller', () => {
  let h: ControllerHarness;
  before(async () => {
    // A short pod-failure back-off: the test does not wait upstream's 10 s.
    // The TTL controller deletes in the foreground, as upstream: the garbage collector finishes the deletion.
    h = await startControllers([newJobController({ podFailureBackoffMs: 1 }), newTTLAfterFinishedController(), newGarbageCollector({ discoveryIntervalMs: 200 })]);
  });
  after(async () => {
    await h.stop();
  });

  const jobPods = async (j: KubeObject, filter: (p: Pod) => boolean = () => true) =>
    (await h.client.list<Pod>(pods, 'default', { labelSelector: `batch.kubernetes.io/controller-uid=${j.metadata.uid ?? ''}` })).items.filter(filter);
  const getJob = (name: string) => h.client.get<Job>(jobs, 'default', name);
  const running = (p: Pod) => !p.metadata.deletionTimestamp && (p.status?.phase ?? 'Pending') === 'Pending';

  test('completions with parallelism: pods run two at a time until three succeed, then Complete', async () => {
    const j = await h.client.create(jobs, 'default', job('three', { completions: 3, parallelism: 2 }));
    let done = 0;
    while (done < 3) {
      const batch = await waitFor('pods to run', async () => {
        const ps = await jobPods(j, running);
        return ps.length === Math.min(2, 3 - done) ? ps : undefined;
      });
      const p = batch[0] as Pod;
      assert.deepEqual(p.metadata.finalizers, ['batch.kubernetes.io/job-tracking']);
      assert.equal(p.metadata.labels?.['batch.kubernetes.io/job-name'], 'three');
      assert.equal(p.metadata.ownerReferences?.[0]?.uid, j.metadata.uid);
      await setPodPhase(h.client, p, 'Succeeded');
      done++;
      await waitFor('success counted', async () => ((await getJob('three')).status?.succeeded === done ? true : undefined));
    }
    const finished = await waitFor('Complete', async () => {
      const cur = await getJob('three');
      return cur.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') ? cur : undefined;
    });
    const types = finished.status?.conditions?.map((c) => `${c.type}/${c.reason ?? ''}`);
    assert.deepEqual(types, ['SuccessCriteriaMet/CompletionsReached', 'Complete/CompletionsReached']);
    assert.equal(finished.status?.active, 0);
    assert.ok(finished.status.startTime);
    assert.ok(finished.status.completionTime);
    // Every counted pod let go of its finalizer.
    for (const p of await jobPods(j)) assert.deepEqual(p.metadata.finalizers ?? [], []);
    const events = await eventsOf(h.client, j);
    assert.equal(events.filter((e) => e.reason === 'SuccessfulCreate').length, 3);
    assert.ok(events.some((e) => e.reason === 'Completed' && e.message === 'Job completed'));
  });

  test('backoffLimit: the second failure fails the Job with BackoffLimitExceeded', async () => {
    const j = await h.client.create(jobs, 'default', job('flaky', { backoffLimit: 1 }));
    for (let i = 1; i <= 2; i++) {
      const [p] = await waitFor('a pod', async () => {
        const ps = await jobPods(j, running);
        return ps.length === 1 ? ps : undefined;
      });
      await setPodPhase(h.client, p as Pod, 'Failed');
      await waitFor('failure counted', async () => ((await getJob('flaky')).status?.failed === i ? true : undefined));
    }
    const failed = await waitFor('Failed', async () => {
      const cur = await getJob('flaky');
      return cur.status?.conditions?.find((c) => c.type === 'Failed') ? cur : undefined;
    });
    const cond = failed.status?.conditions?.find((c) => c.type === 'Failed');
    assert.equal(cond?.reason, 'BackoffLimitExceeded');
    assert.equal(cond.message, 'Job has reached the specified backoff limit');
    assert.ok(failed.status?.conditions?.some((c) => c.type === 'FailureTarget' && c.reason === 'BackoffLimitExceeded'));
    assert.equal(failed.status?.failed, 2);
    assert.equal((await jobPods(j, running)).length, 0);
    assert.ok((await eventsOf(h.client, j)).some((e) => e.type === 'Warning' && e.reason === 'BackoffLimitExceeded'));
  });

  test('Indexed: one pod per index with its annotation, label, hostname and env; completedIndexes', async () => {
    const j = await h.client.create(jobs, 'default', job('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
    const ps = await waitFor('three pods', async () => {
      const list = await jobPods(j, running);
      return list.length === 3 ? list : undefined;
    });
    const byIndex = new Map(ps.map((p) => [p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'], p]));
    assert.deepEqual([...byIndex.keys()].sort(), ['0', '1', '2']);
    const p1 = byIndex.get('1') as Pod;
    assert.equal(p1.metadata.labels?.['batch.kubernetes.io/job-completion-index'], '1');
    assert.equal(p1.spec.hostname, 'idx-1');
    assert.match(p1.metadata.name ?? '', /^idx-1-/);
    assert.ok(p1.spec.containers[0]?.env?.some((e) => e.name === 'JOB_COMPLETION_INDEX'));
    // Index 1 fails once: it is recreated under the same index.
    await setPodPhase(h.client, p1, 'Failed');
    const again = await waitFor('index 1 again', async () => (await jobPods(j, running)).find((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'] === '1' && p.metadata.uid !== p1.metadata.uid));
    await setPodPhase(h.client, byIndex.get('0') as Pod, 'Succeeded');
    await setPodPhase(h.client, byIndex.get('2') as Pod, 'Succeeded');
    await waitFor('0 and 2 done', async () => ((await getJob('idx')).status?.completedIndexes === '0,2' ? true : undefined));
    await setPodPhase(h.client, again, 'Succeeded');
    const done = await waitFor('Complete', async () => {
      const cur = await getJob('idx');
      return cur.status?.conditions?.some((c) => c.type === 'Complete') ? cur : undefined;
    });
    assert.equal(done.status?.completedIndexes, '0-2');
    assert.equal(done.status.succeeded, 3);
    assert.equal(done.status.failed, 1);
  });

  test('suspend deletes the pods and sets Suspended; resuming runs them again', async () => {
    const j = await h.client.create(jobs, 'default', job('sus', { parallelism: 2, completions: 2 }));
    await waitFor('two pods', async () => ((await jobPods(j, running)).length === 2 ? true : undefined));
    await h.client.patch(jobs, 'default', 'sus', { spec: { suspend: true } });
    const suspended = await waitFor('Suspended', async () => {
      const cur = await getJob('sus');
      return cur.status?.conditions?.some((c) => c.type === 'Suspended' && c.status === 'True') && (await jobPods(j, running)).length === 0 ? cur : undefined;
    });
    assert.equal(suspended.status?.active, 0);
    assert.equal(suspended.status.startTime, undefined);
    await h.client.patch(jobs, 'default', 'sus', { spec: { suspend: false } });
    await waitFor('resumed', async () => {
      const cur = await getJob('sus');
      return cur.status?.conditions?.some((c) => c.type === 'Suspended' && c.status === 'False' && c.reason === 'JobResumed') && (await jobPods(j, running)).length === 2 ? true : undefined;
    });
  });

  test('activeDeadlineSeconds fails the Job with DeadlineExceeded and removes its pods', async () => {
    const j = await h.client.create(jobs, 'default', job('late', { activeDeadlineSeconds: 1 }));
    const failed = await waitFor('Failed', async () => {
      const cur = await getJob('late');
      return cur.status?.conditions?.find((c) => c.type === 'Failed') ? cur : undefined;
    });
    const cond = failed.status?.conditions?.find((c) => c.type === 'Failed');
    assert.deepEqual([cond?.reason, cond?.message], ['DeadlineExceeded', 'Job was active longer than specified deadline']);
    assert.equal((await jobPods(j, running)).length, 0);
  });

  test('ttlSecondsAfterFinished: a finished Job is deleted', async () => {
    const j = await h.client.create(jobs, 'default', job('short-lived', { ttlSecondsAfterFinished: 0 }));
    const [p] = await waitFor('a pod', async () => {
      const ps = await jobPods(j, running);
      return ps.length === 1 ? ps : undefined;
    });
    await setPodPhase(h.client, p as Pod, 'Succeeded');
    await waitFor('job deleted', async () => {
      try {
        await getJob('short-lived');
        return undefined;
      } catch {
        return true;
      }
    });
  });

  test('deleting a running Job lets go of its pods (tracking finalizer removed) so they are deleted too', async () => {
    const j = await h.client.create(jobs, 'default', job('deleted', {}));
    await waitFor('a pod', async () => ((await jobPods(j, running)).length > 0 ? true : undefined));
    await h.client.delete(jobs, 'default', 'deleted', { propagationPolicy: 'Background' });
    await waitFor('the pods gone', async () => ((await jobPods(j)).length === 0 ? true : undefined));
  });
});
