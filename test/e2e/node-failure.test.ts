import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { nodes, pods } from '../../src/api/core/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { Client, credentialsFromKubeconfig } from '../../src/client/index.js';
import { spawnHollow, type HollowProcess } from '../support/hollow.js';
import { kubectlOK } from '../support/kubectl.js';
import { startSkiff, waitUntil as until, type SkiffProcess } from '../support/skiff.js';

// Kill a `skiff hollow` process: the node lifecycle controller marks its
// nodes Unknown once their Leases have lapsed for --node-monitor-grace-period,
// taints them unreachable, evicts their pods once the pods' own tolerations
// (2 s here, as users shorten upstream's default 300 s) run out, and the
// ReplicaSet recreates them on the nodes of the surviving process.
// Shortened for the test, with upstream's knobs: a 5 s grace period (default
// 40 s) and node Leases of 4 s, renewed every second (the kubelet's default
// 40 s, renewed every 10 s, would lapse between renewals).

type Cond = { type: string; status: string; reason?: string };
interface PodItem extends KubeObject {
  spec?: { nodeName?: string };
  status?: { phase?: string; conditions?: Cond[] };
}
interface NodeItem extends KubeObject {
  spec?: { taints?: { key: string; effect: string }[] };
  status?: { conditions?: Cond[] };
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: { name: spread, namespace: default }
spec:
  replicas: 4
  selector: { matchLabels: { app: spread } }
  template:
    metadata: { labels: { app: spread } }
    spec:
      topologySpreadConstraints:
      - { maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: { matchLabels: { app: spread } } }
      tolerations:
      - { key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 2 }
      - { key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 2 }
      containers: [{ name: c, image: registry.k8s.io/pause:3.10 }]
`;


const ready = (n: NodeItem) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status;

describe('a hollow node process dies', () => {
  let server: SkiffProcess;
  let client: Client;
  const hollows: HollowProcess[] = [];
  const logs = () => `--- server:\n${server.logs()}\n` + hollows.map((h, i) => `--- hollow ${i}:\n${h.logs()}`).join('\n');

  before(async () => {
    server = await startSkiff({ args: ['--disable-agent', '--node-monitor-grace-period', '5s'] });
    client = new Client(credentialsFromKubeconfig(server.kubeconfig), { userAgent: 'node-failure-test' });
  });
  after(async () => {
    client.close();
    for (const h of hollows) await h.stop();
    await server.cleanup();
  });

  test('its nodes go Unknown and are tainted unreachable, their pods are evicted and recreated on the live nodes', async () => {
    const hollowArgs = (prefix: string) => ['--nodes', '2', '--node-name-prefix', prefix, '--node-lease-duration-seconds', '4'];
    hollows.push(spawnHollow(server, hollowArgs('live-')), spawnHollow(server, hollowArgs('doomed-')));
    const [, doomed] = hollows;
    assert.ok(doomed);
    await until('4 Ready nodes', async () => {
      const list = await client.list<NodeItem>(nodes);
      return list.items.filter((n) => ready(n) === 'True').length === 4 ? true : undefined;
    }, 30_000, logs);

    kubectlOK(server.kubeconfig, ['apply', '-f', '-'], { input: deployment });
    const livePods = async () => (await client.list<PodItem>(pods, 'default', { labelSelector: 'app=spread' })).items.filter((p) => !p.metadata.deletionTimestamp);
    const before = await until('4 Running pods', async () => {
      const live = await livePods();
      return live.length === 4 && live.every((p) => p.status?.phase === 'Running') ? live : undefined;
    }, 30_000, logs);
    const victims = before.filter((p) => p.spec?.nodeName?.startsWith('doomed-')).map((p) => p.metadata.name);
    assert.ok(victims.length > 0, `the pods are spread over both processes' nodes: ${before.map((p) => p.spec?.nodeName).join(', ')}`);

    assert.equal(await doomed.kill(), 'SIGKILL');

    // Every replica runs again, on the surviving process's nodes only.
    const after = await until('4 Running pods on live nodes', async () => {
      const live = await livePods();
      return live.length === 4 && live.every((p) => p.status?.phase === 'Running' && p.spec?.nodeName?.startsWith('live-')) ? live : undefined;
    }, 60_000, logs);
    assert.equal(after.filter((p) => victims.includes(p.metadata.name)).length, 0, 'the replacements are new pods');

    // The dead nodes: Ready Unknown, tainted unreachable (NoSchedule and NoExecute).
    for (const name of ['doomed-0', 'doomed-1']) {
      const node = await client.get<NodeItem>(nodes, '', name);
      const cond = node.status?.conditions?.find((c) => c.type === 'Ready');
      assert.equal(cond?.status, 'Unknown', `${name} Ready`);
      assert.equal(cond.reason, 'NodeStatusUnknown');
      const taints = (node.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();
      assert.deepEqual(taints, ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule'], `${name} taints`);
    }
    // The evicted pods: marked as disrupted by the taint, and deleted (Terminating
    // for good, as upstream: no kubelet is left to confirm their end).
    for (const name of victims) {
      const pod = await client.get<PodItem>(pods, 'default', name ?? '');
      assert.ok(pod.metadata.deletionTimestamp, `${name ?? ''} deleted`);
      const target = pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
      assert.equal(target?.reason, 'DeletionByTaintManager');
    }
    const events = kubectlOK(server.kubeconfig, ['get', 'events', '--field-selector', 'reason=TaintManagerEviction', '-o', 'name']);
    assert.equal(events.trim().split('\n').filter(Boolean).length, victims.length, 'one TaintManagerEviction event per evicted pod');
  });
});
