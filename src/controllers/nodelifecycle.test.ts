import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../api/meta.js';
import type { ResourceRef } from '../client/index.js';
import type { ControllerContext } from './controller.js';
import { newNodeLifecycleController, notReadyTaint, unreachableTaint } from './nodelifecycle.js';

// One monitor period over a fixture of cached nodes, leases and pods, with a
// client that records its calls: only the nodes whose taints must change are
// patched, and the cached objects are never modified (the controller reads
// them in place, without a copy of each node every period).

const at = new Date('2024-01-01T00:00:10Z');
const stamp = '2024-01-01T00:00:00Z';
const custom = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
const node = (name: string, ready: string, taints: object[]): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, resourceVersion: `rv-${name}` },
  spec: { taints },
  status: { conditions: [{ type: 'Ready', status: ready, lastTransitionTime: stamp }] },
});
const lease = (name: string): KubeObject => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease' }, spec: { renewTime: stamp } });
const pod = (name: string, nodeName: string, tolerations: object[] = []): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName, tolerations } });

/** A cache the controller reads: list, get by key, byIndex('node'). */
function cache(objects: readonly KubeObject[]) {
  const key = (o: KubeObject) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name ?? ''}` : (o.metadata.name ?? ''));
  return {
    list: () => [...objects],
    get: (k: string) => objects.find((o) => key(o) === k),
    byIndex: (_index: string, nodeName: string) => objects.filter((o) => (o.spec as { nodeName?: string }).nodeName === nodeName),
    addIndex() {
      return this;
    },
  };
}

void test('one period: only nodes whose taints must change are patched; pods past their tolerations are evicted; the cache is left as it was', async () => {
  const unreachable = [{ key: unreachableTaint, effect: 'NoSchedule' }, { key: unreachableTaint, effect: 'NoExecute', timeAdded: stamp }];
  const nodes = [
    node('healthy', 'True', [custom]),
    node('sick', 'False', [custom]),
    node('recovered', 'True', [...unreachable, custom]),
    node('gone', 'Unknown', unreachable),
  ];
  const pods = [pod('stays', 'gone', [{ key: unreachableTaint, operator: 'Exists', effect: 'NoExecute' }]), pod('goes', 'gone'), pod('elsewhere', 'healthy')];
  const leases = nodes.map((n) => lease(n.metadata.name ?? ''));
  const before = structuredClone([nodes, pods, leases]);
  const caches: Record<string, ReturnType<typeof cache>> = { nodes: cache(nodes), pods: cache(pods), leases: cache(leases) };
  const calls: unknown[][] = [];
  const abort = new AbortController();
  const ctx = {
    client: {
      patch: (ref: ResourceRef, ns: string, name: string, body: unknown, _type: string, options: object = {}) => {
        calls.push(['patch', ref.resource, ns, name, body, options]);
        return Promise.resolve({});
      },
      delete: (ref: ResourceRef, ns: string, name: string) => {
        calls.push(['delete', ref.resource, ns, name]);
        return Promise.resolve({});
      },
    },
    informers: { for: (ref: ResourceRef) => caches[ref.resource], synced: () => Promise.resolve(true) },
    recorder: () => ({ event: () => undefined }),
    signal: abort.signal,
    log: (msg: string, fields?: object) => assert.fail(`${msg} ${JSON.stringify(fields)}`),
  } as unknown as ControllerContext;
  // The first reading of the clock starts the one period this test runs: the stop comes once the
  // period waits on a timer (the fake client answers at once), since the controller stops between nodes.
  const controller = newNodeLifecycleController({ now: () => (setTimeout(() => abort.abort(), 0), at) });
  await controller.run(ctx);

  assert.deepEqual(calls, [
    ['patch', 'nodes', '', 'sick', { spec: { taints: [custom, { key: notReadyTaint, effect: 'NoSchedule' }, { key: notReadyTaint, effect: 'NoExecute', timeAdded: '2024-01-01T00:00:10Z' }] }, metadata: { resourceVersion: 'rv-sick' } }, {}],
    ['patch', 'nodes', '', 'recovered', { spec: { taints: [custom] }, metadata: { resourceVersion: 'rv-recovered' } }, {}],
    ['patch', 'pods', 'default', 'goes', { status: { conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: '2024-01-01T00:00:10Z' }] } }, { subresource: 'status' }],
    ['delete', 'pods', 'default', 'goes'],
  ]);
  assert.deepEqual([nodes, pods, leases], before, 'the cached objects are unchanged');
});
