import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { apiClient } from '../support/https.js';
import { startSkiff, waitUntil, type SkiffProcess } from '../support/skiff.js';

// A server stopped while its controllers have a backlog (the end of a
// density run capped by its timeout: tens of thousands of pods still to
// create and schedule) must stop promptly: workers finish the sync in hand
// and drop the queued keys, as upstream's controllers stop with their
// process, rather than work through the backlog first. Before the fix,
// every queued ReplicaSet got one more burst of 500 creates after SIGTERM,
// so the server kept creating pods for a minute and was SIGKILLed.

const replicaSets = 40;
const replicas = 500;
/** The ReplicaSet controller's workers, and the largest slow-start batch of a 500-pod burst (1, 2, …, 256). */
const workers = 5;
const largestBatch = 256;

/** Pods in the cluster: one item and the count of the rest (no need to list thousands). */
async function countPods(api: ReturnType<typeof apiClient>): Promise<number> {
  const r = await api.request('GET', '/api/v1/pods?limit=1');
  assert.equal(r.status, 200, r.text);
  const list = r.body as { items: unknown[]; metadata: { remainingItemCount?: number; continue?: string } };
  if (!list.metadata.continue) return list.items.length;
  assert.ok(list.metadata.remainingItemCount !== undefined, 'a paged pod list carries remainingItemCount');
  return list.items.length + list.metadata.remainingItemCount;
}

/** SIGTERM the server; resolves with its exit code (or signal) and how long it took, SIGKILLing it after `graceMs`. */
async function terminate(server: SkiffProcess, graceMs: number): Promise<{ code: number | string; ms: number }> {
  const started = Date.now();
  const exited = new Promise<number | string>((resolve) => server.child.once('exit', (code, sig) => resolve(code ?? sig ?? -1)));
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), graceMs);
  const code = await exited;
  clearTimeout(timer);
  return { code, ms: Date.now() - started };
}

test('a server stopped with a backlog of pods to create exits at once, without working through it', async () => {
  const first = await startSkiff({ args: ['--disable-agent', '--disable-scheduler'] });
  let second: SkiffProcess | undefined;
  try {
    const api = apiClient(first.kubeconfig);
    for (let i = 0; i < replicaSets; i++) {
      const labels = { app: `rs-${String(i)}` };
      const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `rs-${String(i)}` }, spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'pause' }] } } } };
      const r = await api.request('POST', '/apis/apps/v1/namespaces/default/replicasets', rs);
      assert.equal(r.status, 201, r.text);
    }
    // The controller is busy creating: its workers are mid-burst, most ReplicaSets wait in its queue.
    await waitUntil('the first pods', async () => ((await countPods(api)) >= 500 ? true : undefined), 60_000, () => first.logs());
    const before = await countPods(api);
    api.close();

    // Generous bound (a loaded 2-core machine); before the fix it did not exit within it.
    const { code, ms } = await terminate(first, 30_000);
    assert.equal(code, 0, `exit ${String(code)} after ${String(ms)} ms:\n${first.logs().split('\n').slice(-20).join('\n')}`);

    // A server without controllers shows what the first one left behind.
    second = await startSkiff({ dataDir: first.dataDir, args: ['--disable-agent', '--disable-scheduler', '--disable-controller-manager'] });
    const api2 = apiClient(second.kubeconfig);
    const after = await countPods(api2);
    // Only the batches in hand when the signal came may finish (twice that: slack for creates between the count and the
    // signal); before the fix the queued ReplicaSets made thousands more, up to every one of the 20,000.
    assert.ok(after - before <= 2 * workers * largestBatch, `${String(after - before)} pods created after SIGTERM (${String(before)} before, ${String(after)} after, exit in ${String(ms)} ms)`);
    // The controller manager gave its Lease up (releaseOnCancel) before the API server closed.
    const lease = await api2.request('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager');
    assert.equal(lease.status, 200, lease.text);
    assert.equal((lease.body as { spec?: { holderIdentity?: string } }).spec?.holderIdentity, undefined, lease.text);
    api2.close();
  } finally {
    await first.stop();
    await second?.stop();
    rmSync(first.dataDir, { recursive: true, force: true });
  }
});
