import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KubeObject } from '../../src/api/meta.js';
import { nodes, pods } from '../../src/api/core/index.js';
import { leases } from '../../src/api/coordination/index.js';
import type { Client } from '../../src/client/index.js';
import { newNodeLifecycleController } from '../../src/controllers/nodelifecycle.js';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';
import { runControllers, waitFor, type TestControllers } from '../support/controllers.js';

// A node whose Lease lapses goes Unknown and is tainted unreachable; its pods
// are evicted once their tolerations run out; the taints go when it is back.
// Short periods: a 1 s grace period instead of 40 s, a 1 s toleration.

type Cond = { type: string; status: string; reason?: string; message?: string };
const conditions = (o: KubeObject) => ((o.status as { conditions?: Cond[] } | undefined)?.conditions ?? []);
const taints = (n: KubeObject) => ((n.spec as { taints?: { key: string; effect: string }[] } | undefined)?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();
const microTime = () => new Date().toISOString().replace('Z', '000Z');

describe('node lifecycle controller', () => {
  let api: TestAPIServer;
  let cms: TestControllers;
  let client: Client;
  before(async () => {
    api = await startTestAPIServer();
    cms = runControllers(api, [newNodeLifecycleController({ gracePeriodMs: 1000, monitorPeriodMs: 100 })]);
    client = cms.client;
  });
  after(async () => {
    await cms.stop();
    await api.stop();
  });

  const renew = async (name: string) => {
    const lease = await client.get(leases, 'kube-node-lease', name).catch(() => undefined);
    const spec = { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime() };
    if (lease) await client.patch(leases, 'kube-node-lease', name, { spec });
    else await client.create(leases, 'kube-node-lease', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name }, spec });
  };
  const pod = (name: string, tolerations: unknown[] = []) =>
    client.create(pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: 'n1', tolerations, containers: [{ name: 'c', image: 'nginx' }] } });

  test('a node whose Lease lapses goes Unknown with unreachable taints; pods go after their toleration; taints go when it is back', async () => {
    await client.create(nodes, '', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }] } });
    await renew('n1');
    await pod('short', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 }]);
    const long = await pod('long');
    assert.ok((long.spec as { tolerations: { key: string; tolerationSeconds: number }[] }).tolerations.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.tolerationSeconds === 300), 'DefaultTolerationSeconds');

    // No more renewals: the kubelet is gone.
    const node = await waitFor('the node to go Unknown', async () => {
      const n = await client.get(nodes, '', 'n1');
      return conditions(n).find((c) => c.type === 'Ready')?.status === 'Unknown' && n;
    });
    assert.deepEqual(conditions(node).find((c) => c.type === 'Ready'), { ...conditions(node).find((c) => c.type === 'Ready'), reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    await waitFor('unreachable taints', async () => taints(await client.get(nodes, '', 'n1')).join() === 'node.kubernetes.io/unreachable:NoExecute,node.kubernetes.io/unreachable:NoSchedule');

    const evicted = await waitFor('the pod with a 1 s toleration to be evicted', async () => {
      const p = await client.get(pods, 'default', 'short');
      return !!p.metadata.deletionTimestamp && p;
    });
    assert.deepEqual(conditions(evicted).find((c) => c.type === 'DisruptionTarget'), { ...conditions(evicted).find((c) => c.type === 'DisruptionTarget'), status: 'True', reason: 'DeletionByTaintManager' });
    assert.equal((await client.get(pods, 'default', 'long')).metadata.deletionTimestamp, undefined, 'a 300 s toleration has not run out');

    // The kubelet is back: it renews and posts Ready.
    await renew('n1');
    await client.patch(nodes, '', 'n1', { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }] } }, 'merge', { subresource: 'status' });
    await waitFor('the taints to go', async () => taints(await client.get(nodes, '', 'n1')).length === 0);
  });
});
