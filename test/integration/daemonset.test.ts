import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { controllerRevisions, daemonSets } from '../../src/api/apps/index.js';
import { nodes, pods } from '../../src/api/core/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { daemonSetController } from '../../src/controllers/daemonset/index.js';
import { fakeKubelet, startControllers, waitFor, type ControllerHarness } from '../support/controllers.js';

type Pod = KubeObject & { spec: { containers: { image: string }[]; tolerations?: { key?: string; effect?: string; operator?: string }[]; affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: unknown[] } } } } };
type DS = KubeObject & { status?: Record<string, number> };

let h: ControllerHarness;
const kubelet = new AbortController();
let kubeletDone: Promise<void>;
before(async () => {
  h = await startControllers([daemonSetController]);
  kubeletDone = fakeKubelet(h.client, kubelet.signal);
});
after(async () => {
  kubelet.abort();
  await kubeletDone;
  await h.stop();
});

const node = (name: string, labels: Record<string, string>, taints: unknown[] = []): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: { taints } });
const ds = (name: string, image: string, extra: Record<string, unknown> = {}, podSpec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name, namespace: 'default' },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }], ...podSpec } }, ...extra },
});
const target = (p: Pod) => JSON.stringify(p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).match(/"values":\["([^"]+)"\]/)?.[1];
const podsOf = async (app: string) => (await h.client.list<Pod>(pods, 'default', { labelSelector: `app=${app}` })).items.filter((p) => !p.metadata.deletionTimestamp);
const byNode = async (app: string) => (await podsOf(app)).map((p) => `${target(p) ?? '?'}=${p.spec.containers[0]?.image ?? ''}`).sort().join(',');

describe('DaemonSet controller', () => {
  test('runs one pod on each eligible node, pinned by node affinity, with the daemon tolerations; follows nodes as they come and go', async () => {
    await h.client.create(nodes, '', node('n1', { role: 'edge' }));
    await h.client.create(nodes, '', node('n2', { role: 'edge' }, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]));
    await h.client.create(nodes, '', node('n3', { role: 'core' }));
    await h.client.create(daemonSets, 'default', ds('agent', 'agent:1', {}, { nodeSelector: { role: 'edge' } }));
    await waitFor('a pod on n1 only (n2 tainted, n3 not selected)', async () => (await byNode('agent')) === 'n1=agent:1');
    const [p] = await podsOf('agent');
    assert.ok(p);
    assert.match(p.metadata.name ?? '', /^agent-[a-z0-9]{5}$/);
    assert.deepEqual(p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms, [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }]);
    const tolerated = (p.spec.tolerations ?? []).map((t) => `${t.key ?? ''}:${t.effect ?? ''}`).sort();
    assert.deepEqual(tolerated, ['node.kubernetes.io/disk-pressure:NoSchedule', 'node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/pid-pressure:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unschedulable:NoSchedule']);
    assert.ok(p.metadata.labels?.['controller-revision-hash']);

    await h.client.create(nodes, '', node('n4', { role: 'edge' }));
    await h.client.patch(nodes, '', 'n3', { metadata: { labels: { role: 'edge' } } });
    await waitFor('pods on the new and relabelled nodes', async () => (await byNode('agent')) === 'n1=agent:1,n3=agent:1,n4=agent:1');
    await h.client.delete(nodes, '', 'n4');
    await waitFor('the pod of the deleted node removed', async () => (await byNode('agent')) === 'n1=agent:1,n3=agent:1');
    // An untolerated NoExecute taint evicts the daemon; NoSchedule alone would not.
    await h.client.patch(nodes, '', 'n3', { spec: { taints: [{ key: 'gone', effect: 'NoExecute' }] } });
    await waitFor('the pod on the NoExecute-tainted node removed', async () => (await byNode('agent')) === 'n1=agent:1');
    const st = await waitFor('status once the evicted pod is gone', async () => {
      const d = await h.client.get<DS>(daemonSets, 'default', 'agent');
      return d.status?.numberAvailable === 1 && d.status.numberMisscheduled === 0 && d.status;
    });
    assert.deepEqual(st, { currentNumberScheduled: 1, numberMisscheduled: 0, desiredNumberScheduled: 1, numberReady: 1, observedGeneration: 1, updatedNumberScheduled: 1, numberAvailable: 1 });
    for (const n of ['n1', 'n2', 'n3']) await h.client.delete(nodes, '', n);
  });

  test('RollingUpdate replaces pods node by node and records ControllerRevisions; OnDelete waits for deletions', async () => {
    for (const n of ['r1', 'r2', 'r3']) await h.client.create(nodes, '', node(n, { pool: 'r' }));
    await h.client.create(daemonSets, 'default', ds('roll', 'v1', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } }, { nodeSelector: { pool: 'r' } }));
    await waitFor('three v1 pods', async () => (await byNode('roll')) === 'r1=v1,r2=v1,r3=v1');
    await h.client.patch(daemonSets, 'default', 'roll', { spec: { template: { spec: { containers: [{ name: 'c', image: 'v2' }] } } } }, 'strategic');
    await waitFor('three v2 pods', async () => (await byNode('roll')) === 'r1=v2,r2=v2,r3=v2');
    const st = await waitFor('updated status', async () => {
      const d = await h.client.get<DS>(daemonSets, 'default', 'roll');
      return d.status?.updatedNumberScheduled === 3 && d.status.numberAvailable === 3 && d.status;
    });
    assert.equal(st.desiredNumberScheduled, 3);
    const revs = (await h.client.list<KubeObject & { revision: number }>(controllerRevisions, 'default')).items.filter((r) => r.metadata.name?.startsWith('roll-'));
    assert.deepEqual(revs.map((r) => r.revision).sort(), [1, 2]);

    await h.client.patch(daemonSets, 'default', 'roll', { spec: { updateStrategy: { type: 'OnDelete', rollingUpdate: null }, template: { spec: { containers: [{ name: 'c', image: 'v3' }] } } } }, 'strategic');
    await waitFor('no pod updated', async () => {
      const d = await h.client.get<DS>(daemonSets, 'default', 'roll');
      // updatedNumberScheduled is omitted when zero, as upstream's omitempty.
      return d.status?.observedGeneration === d.metadata.generation && d.status?.updatedNumberScheduled === undefined && d.status?.desiredNumberScheduled === 3;
    });
    assert.equal(await byNode('roll'), 'r1=v2,r2=v2,r3=v2');
    const onR2 = (await podsOf('roll')).find((p) => target(p) === 'r2');
    await h.client.delete(pods, 'default', onR2?.metadata.name ?? '');
    await waitFor('the deleted pod recreated from the new template', async () => (await byNode('roll')) === 'r1=v2,r2=v3,r3=v2');
  });

  test('maxSurge starts the updated pod beside the old one and removes the old one once the new is available', async () => {
    for (const n of ['s1', 's2']) await h.client.create(nodes, '', node(n, { pool: 's' }));
    await h.client.create(daemonSets, 'default', ds('surge', 'v1', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }, { nodeSelector: { pool: 's' } }));
    await waitFor('two available', async () => (await h.client.get<DS>(daemonSets, 'default', 'surge')).status?.numberAvailable === 2);
    const live = new Map<string, Pod>();
    const list = await h.client.list<Pod>(pods, 'default', { labelSelector: 'app=surge' });
    for (const p of list.items) live.set(p.metadata.name ?? '', p);
    const readyOn = (n: string) => [...live.values()].filter((p) => target(p) === n && !p.metadata.deletionTimestamp && (p.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    let bare = false;
    let both = false;
    const ac = new AbortController();
    const watching = h.client.watch<Pod>(pods, 'default', { labelSelector: 'app=surge', resourceVersion: list.metadata.resourceVersion }, (e) => {
      if (e.type === 'DELETED') live.delete(e.object.metadata.name ?? '');
      else live.set(e.object.metadata.name ?? '', e.object);
      for (const n of ['s1', 's2']) {
        if (readyOn(n) === 0) bare = true;
        if ([...live.values()].filter((p) => target(p) === n && !p.metadata.deletionTimestamp).length === 2) both = true;
      }
    }, ac.signal);
    try {
      await h.client.patch(daemonSets, 'default', 'surge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'v2' }] } } } }, 'strategic');
      await waitFor('both nodes at v2', async () => (await byNode('surge')) === 's1=v2,s2=v2');
      assert.equal(bare, false, 'a node was left without a ready daemon pod');
      assert.equal(both, true, 'no node ever ran the old and the new pod side by side');
    } finally {
      ac.abort();
      await watching.catch(() => {});
    }
  });
});
