/**
 * Each filter and score of the default profile against a real API server:
 * nodes are written through the API (or are hollow nodes where pods must
 * run), the scheduler runs as in `skiff server`, and the tests read where
 * pods went and the FailedScheduling events, with upstream's messages.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { events, nodes, persistentVolumeClaims, persistentVolumes, pods } from '../../src/api/core/index.js';
import { replicaSets } from '../../src/api/apps/index.js';
import { priorityClasses } from '../../src/api/scheduling/index.js';
import { storageClasses } from '../../src/api/storage/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { Client, credentialsFromKubeconfig, Informer } from '../../src/client/index.js';
import type { Controller } from '../../src/controllers/index.js';
import { replicaSetController } from '../../src/controllers/replicaset.js';
import { newVolumeBinderController } from '../../src/controllers/volume/binder.js';
import { newLocalPathProvisioner } from '../../src/controllers/volume/localpath.js';
import { runSchedulerLoop } from '../../src/scheduler/index.js';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';
import { runControllers, waitFor, type TestControllers } from '../support/controllers.js';
import { startHollowNodes, type TestHollowNodes } from '../support/hollow.js';

interface NodeOptions {
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  unschedulable?: boolean;
  taints?: { key: string; value?: string; effect: string }[];
  ready?: boolean;
  images?: { names: string[]; sizeBytes: number }[];
}

const node = (name: string, o: NodeOptions = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
  spec: { ...(o.unschedulable ? { unschedulable: true } : {}), ...(o.taints ? { taints: o.taints } : {}) },
  status: {
    allocatable: { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: '110' },
    capacity: { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: '110' },
    conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
    ...(o.images ? { images: o.images } : {}),
  },
});

interface PodOptions {
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  image?: string;
  ports?: { containerPort: number; hostPort?: number; protocol?: string; hostIP?: string }[];
  [field: string]: unknown;
}

/** A pod in `default` asking for 100m CPU unless told otherwise; other options are spec fields. */
const pod = (name: string, o: PodOptions = {}): KubeObject => {
  const { cpu = '100m', memory, labels, image = 'registry.example/app:1', ports, ...spec } = o;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) },
    spec: { containers: [{ name: 'c', image, resources: { requests: { cpu, ...(memory ? { memory } : {}) } }, ...(ports ? { ports } : {}) }], ...spec },
  };
};

type PodObj = KubeObject & { spec: { nodeName?: string }; status?: { phase?: string } };
type Event = KubeObject & { reason?: string; message?: string; involvedObject: { name?: string; uid?: string } };

/** An API server with the scheduler running, and what the tests ask of both. */
interface TestCluster {
  readonly api: TestAPIServer;
  readonly client: Client;
  addNodes(...list: KubeObject[]): Promise<void>;
  create(...list: KubeObject[]): Promise<void>;
  nodeOf(name: string): Promise<string | undefined>;
  /** Waits until the pod is bound; its node. */
  boundTo(name: string): Promise<string>;
  /** Waits for a FailedScheduling event about the pod; its latest message. */
  failure(name: string): Promise<string>;
  stop(): Promise<void>;
}

async function startCluster(o: { controllers?: readonly Controller[]; nodes?: readonly KubeObject[] } = {}): Promise<TestCluster> {
  const api = await startTestAPIServer();
  const client = new Client(credentialsFromKubeconfig(api.kubeconfig));
  const stop = new AbortController();
  let controllers: TestControllers | undefined;
  let running: Promise<void> | undefined;
  const stopAll = async () => {
    stop.abort();
    await running?.catch(() => {});
    await controllers?.stop();
    client.close();
    await api.stop();
  };
  try {
    for (const n of o.nodes ?? []) await client.create(nodes, '', n);
    if (o.controllers?.length) controllers = runControllers(api, o.controllers);
    running = runSchedulerLoop({ client, initialBackoffMs: 100, maxBackoffMs: 200 }, stop.signal);
  } catch (err) {
    await stopAll();
    throw err;
  }
  const nodeOf = async (name: string) => (await client.get<PodObj>(pods, 'default', name)).spec.nodeName;
  const failures = async (name: string) => (await client.list<Event>(events, 'default')).items.filter((e) => e.involvedObject.name === name && e.reason === 'FailedScheduling');
  return {
    api,
    client,
    addNodes: async (...list) => {
      for (const n of list) await client.create(nodes, '', n);
    },
    create: async (...list) => {
      for (const p of list) await client.create(pods, 'default', p);
    },
    nodeOf,
    boundTo: (name) => waitFor(`${name} bound`, () => nodeOf(name)),
    failure: async (name) => {
      const list = await waitFor(`FailedScheduling for ${name}`, async () => {
        const l = await failures(name);
        return l.length ? l : undefined;
      });
      // Event names grow with time (client-go's recorder suffix).
      return list.sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1)).at(-1)?.message ?? '';
    },
    stop: stopAll,
  };
}

/** Runs `fn` against a fresh cluster, stopping it in every outcome. */
async function withCluster(o: Parameters<typeof startCluster>[0], fn: (c: TestCluster) => Promise<void>): Promise<void> {
  const c = await startCluster(o);
  try {
    await fn(c);
  } finally {
    await c.stop();
  }
}

const notHelpful = (n: number, total = n) => `preemption: 0/${String(total)} nodes are available: ${String(n)} Preemption is not helpful for scheduling.`;
const noVictims = (n: number, total = n) => `preemption: 0/${String(total)} nodes are available: ${String(n)} No preemption victims found for incoming pod.`;

describe('scheduler plugins: node filters', () => {
  test('NodeUnschedulable and not-ready nodes: upstream reasons; a cordoned node that is uncordoned takes the pod at once', () =>
    withCluster({ nodes: [node('cordoned', { unschedulable: true }), node('not-ready', { ready: false })] }, async (c) => {
      await c.create(pod('waits'));
      assert.equal(await c.failure('waits'), `0/2 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) were unschedulable. ${notHelpful(2)}`);
      // A pod that tolerates the cordon goes there (as DaemonSet pods do).
      await c.create(pod('tolerant', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] }));
      assert.equal(await c.boundTo('tolerant'), 'cordoned');
      // Uncordoning is a node event: the parked pod is retried and bound.
      await c.client.patch(nodes, '', 'cordoned', { spec: { unschedulable: null } }, 'merge');
      assert.equal(await c.boundTo('waits'), 'cordoned');
      // The not-ready node turning Ready takes the next pod that only fits there.
      await c.create(pod('needs-ready', { nodeSelector: { 'kubernetes.io/hostname': 'not-ready' } }));
      assert.match(await c.failure('needs-ready'), /1 node\(s\) had untolerated taint \{node\.kubernetes\.io\/not-ready: \}/);
      await c.client.patch(nodes, '', 'not-ready', { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, 'strategic', { subresource: 'status' });
      assert.equal(await c.boundTo('needs-ready'), 'not-ready');
    }));

  test('required node affinity: In, NotIn, Exists, Gt and matchFields metadata.name; terms are ORed, expressions ANDed', () =>
    withCluster(
      {
        nodes: [
          node('n1', { labels: { zone: 'a', gen: '3', gpu: 'yes' } }),
          node('n2', { labels: { zone: 'b', gen: '5' } }),
          node('n3', { labels: { zone: 'c', gen: '7', gpu: 'yes' } }),
        ],
      },
      async (c) => {
        const required = (...nodeSelectorTerms: unknown[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } } });
        const expr = (key: string, operator: string, values?: string[]) => ({ key, operator, ...(values ? { values } : {}) });
        await c.create(
          pod('in', { affinity: required({ matchExpressions: [expr('zone', 'In', ['b'])] }) }),
          pod('notin-exists', { affinity: required({ matchExpressions: [expr('zone', 'NotIn', ['a']), expr('gpu', 'Exists')] }) }),
          pod('gt', { affinity: required({ matchExpressions: [expr('gen', 'Gt', ['4']), expr('gpu', 'DoesNotExist')] }) }),
          pod('field', { affinity: required({ matchFields: [expr('metadata.name', 'In', ['n1'])] }) }),
          pod('ored', { affinity: required({ matchExpressions: [expr('zone', 'In', ['nowhere'])] }, { matchFields: [expr('metadata.name', 'NotIn', ['n1', 'n2'])] }) }),
        );
        assert.equal(await c.boundTo('in'), 'n2');
        assert.equal(await c.boundTo('notin-exists'), 'n3');
        assert.equal(await c.boundTo('gt'), 'n2');
        assert.equal(await c.boundTo('field'), 'n1');
        assert.equal(await c.boundTo('ored'), 'n3');
        await c.create(pod('none', { nodeSelector: { gpu: 'yes' }, affinity: required({ matchExpressions: [expr('gen', 'Lt', ['3'])] }) }));
        assert.equal(await c.failure('none'), `0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. ${notHelpful(3)}`);
        // A label change on a node is a node event: the parked pod goes there.
        await c.client.patch(nodes, '', 'n3', { metadata: { labels: { gen: '2' } } }, 'merge');
        assert.equal(await c.boundTo('none'), 'n3');
      },
    ));

  test('NodePorts: a host port taken on one node sends the pod to another; nowhere free is upstream message', () =>
    withCluster({ nodes: [node('p1'), node('p2')] }, async (c) => {
      const port = (hostPort: number, protocol = 'TCP', hostIP?: string) => [{ containerPort: 80, hostPort, protocol, ...(hostIP ? { hostIP } : {}) }];
      await c.create(pod('first', { ports: port(8080), nodeName: 'p1' }));
      await c.create(pod('second', { ports: port(8080) }));
      assert.equal(await c.boundTo('second'), 'p2');
      // Another protocol on the same port does not collide.
      await c.create(pod('udp', { ports: port(8080, 'UDP'), nodeSelector: { 'kubernetes.io/hostname': 'p1' } }));
      assert.equal(await c.boundTo('udp'), 'p1');
      await c.create(pod('third', { ports: port(8080, 'TCP', '127.0.0.1') }));
      assert.equal(await c.failure('third'), `0/2 nodes are available: 2 node(s) didn't have free ports for the requested pod ports. ${noVictims(2)}`);
      // Deleting a pod that holds the port frees it (an assigned-pod delete event).
      await c.client.delete(pods, 'default', 'first', { gracePeriodSeconds: 0 });
      assert.equal(await c.boundTo('third'), 'p1');
    }));

  test('resources and taints together: one message with every reason, counted and sorted as upstream', () =>
    withCluster({ nodes: [node('small', { cpu: '1' }), node('tainted', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] }), node('full', { cpu: '2', memory: '1Gi' })] }, async (c) => {
      await c.create(pod('big', { cpu: '3', memory: '2Gi' }));
      assert.equal(
        await c.failure('big'),
        `0/3 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {dedicated: db}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.`,
      );
      // Priority admission sets preemptionPolicy from the class.
      await c.client.create(priorityClasses, '', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'no-preempt' }, value: 100, preemptionPolicy: 'Never' });
      await c.create(pod('never', { cpu: '3', priorityClassName: 'no-preempt', tolerations: [{ key: 'dedicated', operator: 'Exists' }], nodeSelector: { 'kubernetes.io/hostname': 'small' } }));
      assert.equal(await c.failure('never'), '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn\'t match Pod\'s node affinity/selector. preemption: not eligible due to preemptionPolicy=Never.');
    }));
});

describe('scheduler plugins: topology spread', () => {
  const zoned = () => [node('a1', { labels: { zone: 'a' } }), node('a2', { labels: { zone: 'a' } }), node('b1', { labels: { zone: 'b' }, cpu: '1' }), node('nolabel')];
  const spread = (whenUnsatisfiable: string, extra: Record<string, unknown> = {}) => [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable, labelSelector: { matchLabels: { app: 's' } }, ...extra }];

  test('DoNotSchedule: maxSkew over zones decides; upstream reasons for a skew too large and a missing label', () =>
    withCluster({ nodes: zoned() }, async (c) => {
      await c.create(pod('s0', { labels: { app: 's' }, nodeName: 'a1' }));
      await c.create(pod('s1', { labels: { app: 's' }, topologySpreadConstraints: spread('DoNotSchedule') }));
      assert.equal(await c.boundTo('s1'), 'b1');
      // Zones now a:1 b:1; fill b1 so that the next pod only fits in zone a, where the skew would be 2.
      await c.create(pod('filler', { cpu: '800m', nodeName: 'b1' }));
      await c.create(pod('s3', { labels: { app: 's' }, nodeName: 'a2' }));
      await c.create(pod('s2', { labels: { app: 's' }, cpu: '500m', topologySpreadConstraints: spread('DoNotSchedule') }));
      assert.equal(
        await c.failure('s2'),
        `0/4 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match pod topology spread constraints (missing required label), 2 node(s) didn't match pod topology spread constraints. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.`,
      );
      // Deleting the filler (an assigned pod going away) lets s2 into zone b.
      await c.client.delete(pods, 'default', 'filler', { gracePeriodSeconds: 0 });
      assert.equal(await c.boundTo('s2'), 'b1');
    }));

  test('ScheduleAnyway: prefers the emptier zone but places the pod when the skew cannot be kept', () =>
    withCluster({ nodes: zoned() }, async (c) => {
      await c.create(pod('s0', { labels: { app: 's' }, nodeName: 'a1' }));
      await c.create(pod('soft-1', { labels: { app: 's' }, topologySpreadConstraints: spread('ScheduleAnyway') }));
      assert.equal(await c.boundTo('soft-1'), 'b1');
      await c.create(pod('filler', { cpu: '800m', nodeName: 'b1' }));
      await c.create(pod('soft-2', { labels: { app: 's' }, cpu: '500m', topologySpreadConstraints: spread('ScheduleAnyway'), nodeSelector: { zone: 'a' } }));
      assert.ok(['a1', 'a2'].includes(await c.boundTo('soft-2')));
    }));

  test('nodeAffinityPolicy Ignore counts zones the pod cannot go to; Honor (the default) does not', () =>
    withCluster({ nodes: zoned() }, async (c) => {
      await c.create(pod('s0', { labels: { app: 's' }, nodeName: 'a1' }));
      await c.create(pod('honor', { labels: { app: 's' }, nodeSelector: { zone: 'a' }, topologySpreadConstraints: spread('DoNotSchedule') }));
      assert.ok(['a1', 'a2'].includes(await c.boundTo('honor')));
      await c.create(pod('ignore', { labels: { app: 's' }, nodeSelector: { zone: 'a' }, topologySpreadConstraints: spread('DoNotSchedule', { nodeAffinityPolicy: 'Ignore' }) }));
      assert.equal(
        await c.failure('ignore'),
        "0/4 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, 2 node(s) didn't match pod topology spread constraints. preemption: 0/4 nodes are available: 2 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
      );
    }));
});

describe('scheduler plugins: scores', () => {
  test('least allocated and balanced allocation: the pod goes to the emptier node', () =>
    withCluster({ nodes: [node('busy'), node('idle')] }, async (c) => {
      await c.create(pod('load', { cpu: '3', memory: '6Gi', nodeName: 'busy' }));
      for (const name of ['x1', 'x2', 'x3']) {
        await c.create(pod(name, { cpu: '200m', memory: '256Mi' }));
        assert.equal(await c.boundTo(name), 'idle');
      }
    }));

  test('preferred node affinity: the heavier matching preference wins', () =>
    withCluster({ nodes: [node('ssd', { labels: { disk: 'ssd' } }), node('hdd', { labels: { disk: 'hdd', fast: 'no' } }), node('nvme', { labels: { disk: 'nvme' } })] }, async (c) => {
      const preferred = [
        { weight: 10, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
        { weight: 60, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['nvme'] }] } },
        { weight: 30, preference: { matchExpressions: [{ key: 'fast', operator: 'DoesNotExist' }] } },
      ];
      await c.create(pod('pref', { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: preferred } } }));
      assert.equal(await c.boundTo('pref'), 'nvme');
    }));

  test('preferred pod affinity and anti-affinity weights outweigh resource scores', () =>
    withCluster({ nodes: [node('m1'), node('m2')] }, async (c) => {
      await c.create(pod('db', { labels: { app: 'db' }, cpu: '2', nodeName: 'm1' }));
      await c.create(pod('cache', { labels: { app: 'cache' }, nodeName: 'm2' }));
      const term = (app: string) => ({ labelSelector: { matchLabels: { app } }, topologyKey: 'kubernetes.io/hostname' });
      await c.create(pod('near-db', { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term('db') }] } } }));
      assert.equal(await c.boundTo('near-db'), 'm1');
      // Anti-affinity to the db (weight 100) outweighs affinity to the cache (weight 20) and the emptier node.
      await c.create(
        pod('away-from-db', {
          affinity: {
            podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 20, podAffinityTerm: term('cache') }] },
            podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term('db') }] },
          },
        }),
      );
      assert.equal(await c.boundTo('away-from-db'), 'm2');
    }));

  test('image locality: a node that already holds a large image is preferred', () =>
    withCluster(
      {
        nodes: [
          node('plain'),
          node('cached', { images: [{ names: ['registry.example/big@sha256:0123', 'registry.example/big:2'], sizeBytes: 800 * 1024 * 1024 }] }),
          node('other', { images: [{ names: ['docker.io/library/nginx:latest'], sizeBytes: 900 * 1024 * 1024 }] }),
        ],
      },
      async (c) => {
        await c.create(pod('big', { image: 'registry.example/big:2' }));
        assert.equal(await c.boundTo('big'), 'cached');
        await c.create(pod('nginx', { image: 'nginx' }));
        assert.equal(await c.boundTo('nginx'), 'other');
      },
    ));

  test("default spreading: a ReplicaSet's pods spread over nodes although one node is much emptier", async () => {
    const api = await startTestAPIServer();
    const client = new Client(credentialsFromKubeconfig(api.kubeconfig));
    const stop = new AbortController();
    let big: TestHollowNodes | undefined;
    let small: TestHollowNodes | undefined;
    const controllers = runControllers(api, [replicaSetController]);
    const scheduler = runSchedulerLoop({ client }, stop.signal);
    try {
      big = await startHollowNodes(api, 1, { prefix: 'big-', template: { cpu: '32', memoryBytes: 128 * 1024 ** 3 } });
      small = await startHollowNodes(api, 2, { prefix: 'small-', template: { cpu: '2', memoryBytes: 4 * 1024 ** 3 } });
      const labels = { app: 'spread' };
      await client.create(replicaSets, 'default', {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: 'spread' },
        spec: { replicas: 6, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'app', resources: { requests: { cpu: '100m', memory: '128Mi' } } }] } } },
      });
      const placed = await waitFor('6 pods running', async () => {
        const list = (await client.list<PodObj>(pods, 'default')).items.filter((p) => p.status?.phase === 'Running');
        return list.length === 6 ? list : undefined;
      });
      const perNode = new Map<string, number>();
      for (const p of placed) perNode.set(p.spec.nodeName ?? '', (perNode.get(p.spec.nodeName ?? '') ?? 0) + 1);
      assert.deepEqual([...perNode.keys()].sort(), ['big-0', 'small-0', 'small-1']);
      assert.ok(Math.max(...perNode.values()) <= 3, JSON.stringify([...perNode]));
    } finally {
      stop.abort();
      await scheduler.catch(() => {});
      await big?.stop();
      await small?.stop();
      await controllers.stop();
      client.close();
      await api.stop();
    }
  });
});

describe('scheduler plugins: volumes', () => {
  const claim = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
  });
  const volume = (name: string, className: string, extra: { labels?: Record<string, string>; onNode?: string } = {}): KubeObject => ({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, ...(extra.labels ? { labels: extra.labels } : {}) },
    spec: {
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      storageClassName: className,
      persistentVolumeReclaimPolicy: 'Retain',
      hostPath: { path: `/srv/${name}` },
      ...(extra.onNode ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [extra.onNode] }] }] } } } : {}),
    },
  });
  const usingClaim = (name: string, claimName: string, o: PodOptions = {}) => pod(name, { ...o, volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] });
  type PVC = KubeObject & { spec: { volumeName?: string }; status?: { phase?: string } };
  const claimBound = (c: TestCluster, name: string) => waitFor(`${name} Bound`, async () => {
    const pvc = await c.client.get<PVC>(persistentVolumeClaims, 'default', name);
    return pvc.status?.phase === 'Bound' ? pvc : undefined;
  });

  test('a missing claim, then an unbound Immediate claim: upstream messages; scheduled once it is bound', () =>
    withCluster({ nodes: [node('v1'), node('v2')], controllers: [newVolumeBinderController()] }, async (c) => {
      await c.create(usingClaim('data-pod', 'data'));
      assert.equal(await c.failure('data-pod'), `0/2 nodes are available: persistentvolumeclaim "data" not found. ${notHelpful(2)}`);
      await c.client.create(persistentVolumeClaims, 'default', claim('data', { storageClassName: 'manual' }));
      await waitFor('unbound immediate', async () => ((await c.failure('data-pod')).includes('unbound immediate') ? true : undefined));
      assert.equal(await c.failure('data-pod'), `0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. ${notHelpful(2)}`);
      // A volume on v2 binds the claim; its node affinity then puts the pod on v2.
      await c.client.create(persistentVolumes, '', volume('data-pv', 'manual', { onNode: 'v2' }));
      await claimBound(c, 'data');
      assert.equal(await c.boundTo('data-pod'), 'v2');
    }));

  test('bound volumes: node affinity and zone labels choose the node; a conflict is upstream message', () =>
    withCluster({ nodes: [node('z1', { labels: { 'topology.kubernetes.io/zone': 'east' } }), node('z2', { labels: { 'topology.kubernetes.io/zone': 'west' } })], controllers: [newVolumeBinderController()] }, async (c) => {
      await c.client.create(persistentVolumes, '', volume('east-pv', 'zonal', { labels: { 'topology.kubernetes.io/zone': 'east' } }));
      await c.client.create(persistentVolumeClaims, 'default', claim('east', { storageClassName: 'zonal' }));
      await claimBound(c, 'east');
      await c.create(usingClaim('in-east', 'east'));
      assert.equal(await c.boundTo('in-east'), 'z1');
      await c.create(usingClaim('wants-west', 'east', { nodeSelector: { 'topology.kubernetes.io/zone': 'west' } }));
      assert.equal(await c.failure('wants-west'), `0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had no available volume zone. ${notHelpful(2)}`);
      await c.client.create(persistentVolumes, '', volume('pinned-pv', 'pinned', { onNode: 'z2' }));
      await c.client.create(persistentVolumeClaims, 'default', claim('pinned', { storageClassName: 'pinned' }));
      await claimBound(c, 'pinned');
      await c.create(usingClaim('pinned-east', 'pinned', { nodeSelector: { 'topology.kubernetes.io/zone': 'east' } }));
      assert.equal(await c.failure('pinned-east'), `0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had volume node affinity conflict. ${notHelpful(2)}`);
      await c.create(usingClaim('pinned-any', 'pinned'));
      assert.equal(await c.boundTo('pinned-any'), 'z2');
    }));

  test('WaitForFirstConsumer with static volumes: only nodes with a matching volume fit, and the claim binds to the one there', () =>
    withCluster({ nodes: [node('w1'), node('w2'), node('w3')], controllers: [newVolumeBinderController()] }, async (c) => {
      await c.client.create(storageClasses, '', { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' });
      await c.client.create(persistentVolumes, '', volume('local-w2', 'local', { onNode: 'w2' }));
      await c.client.create(persistentVolumeClaims, 'default', claim('local', { storageClassName: 'local' }));
      await c.create(usingClaim('local-pod', 'local'));
      assert.equal(await c.boundTo('local-pod'), 'w2');
      const pvc = await claimBound(c, 'local');
      assert.equal(pvc.spec.volumeName, 'local-w2');
      // No volume left for a second claim: no node can serve it.
      await c.client.create(persistentVolumeClaims, 'default', claim('local-2', { storageClassName: 'local' }));
      await c.create(usingClaim('local-pod-2', 'local-2'));
      assert.equal(await c.failure('local-pod-2'), `0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind. ${notHelpful(3)}`);
      await c.client.create(persistentVolumes, '', volume('local-w3', 'local', { onNode: 'w3' }));
      assert.equal(await c.boundTo('local-pod-2'), 'w3');
    }));

  test('WaitForFirstConsumer end to end: the scheduler selects the node on the claim, local-path provisions there, then the pod is bound and runs', async () => {
    const api = await startTestAPIServer();
    const client = new Client(credentialsFromKubeconfig(api.kubeconfig));
    const stop = new AbortController();
    let hollow: TestHollowNodes | undefined;
    const controllers = runControllers(api, [newVolumeBinderController(), newLocalPathProvisioner({ dir: '/tmp/skiff-sched-test' })]);
    const scheduler = runSchedulerLoop({ client }, stop.signal);
    // The revision at which the pod was first seen bound and the claim first seen Bound (one revision log orders both).
    const firstSeen = new Map<string, number>();
    const podWatch = new Informer<PodObj>(client, pods);
    const claimWatch = new Informer<PVC>(client, persistentVolumeClaims);
    const see = (what: string, o: KubeObject, yes: boolean) => yes && !firstSeen.has(what) && firstSeen.set(what, Number(o.metadata.resourceVersion));
    podWatch.on({ add: (p) => see('pod bound', p, !!p.spec.nodeName), update: (_, p) => see('pod bound', p, !!p.spec.nodeName) });
    claimWatch.on({ add: (c) => see('claim bound', c, c.status?.phase === 'Bound'), update: (_, c) => see('claim bound', c, c.status?.phase === 'Bound') });
    const watching = [podWatch.run(stop.signal), claimWatch.run(stop.signal)];
    try {
      hollow = await startHollowNodes(api, 3, { prefix: 'lp-' });
      await waitFor('local-path class', () => client.get(storageClasses, '', 'local-path'));
      await client.create(persistentVolumeClaims, 'default', claim('www', { storageClassName: 'local-path' }));
      await client.create(pods, 'default', usingClaim('web', 'www', { nodeSelector: { 'kubernetes.io/hostname': 'lp-1' } }));
      const running = await waitFor('web Running', async () => {
        const p = await client.get<PodObj>(pods, 'default', 'web');
        return p.status?.phase === 'Running' ? p : undefined;
      });
      assert.equal(running.spec.nodeName, 'lp-1');
      const pvc = await client.get<PVC>(persistentVolumeClaims, 'default', 'www');
      assert.equal(pvc.metadata.annotations?.['volume.kubernetes.io/selected-node'], 'lp-1');
      assert.equal(pvc.status?.phase, 'Bound');
      const pv = await client.get<KubeObject & { spec: { nodeAffinity?: unknown } }>(persistentVolumes, '', pvc.spec.volumeName ?? '');
      assert.deepEqual(pv.spec.nodeAffinity, { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['lp-1'] }] }] } });
      // The scheduler bound the pod only once the claim was Bound (upstream's PreBind waits for the PV controller).
      const claimBoundAt = firstSeen.get('claim bound') ?? Infinity;
      const podBoundAt = firstSeen.get('pod bound') ?? -Infinity;
      assert.ok(claimBoundAt < podBoundAt, `claim Bound at ${String(claimBoundAt)}, pod bound at ${String(podBoundAt)}`);
      // A second pod on the same claim follows the volume to lp-1.
      await client.create(pods, 'default', usingClaim('web-2', 'www'));
      assert.equal(await waitFor('web-2 bound', async () => (await client.get<PodObj>(pods, 'default', 'web-2')).spec.nodeName), 'lp-1');
    } finally {
      stop.abort();
      await scheduler.catch(() => {});
      await Promise.all(watching).catch(() => {});
      await hollow?.stop();
      await controllers.stop();
      client.close();
      await api.stop();
    }
  });
});

describe('scheduler: re-queue on cluster events', () => {
  test('a parked pod is scheduled when a running pod is deleted, a node is added, or a pod it needs appears (default back-off, no periodic retry)', async () => {
    const api = await startTestAPIServer();
    const client = new Client(credentialsFromKubeconfig(api.kubeconfig));
    const stop = new AbortController();
    const groups: TestHollowNodes[] = [];
    // Upstream's back-off (1 s doubling to 10 s); parked pods are otherwise retried only after 5 minutes.
    const scheduler = runSchedulerLoop({ client }, stop.signal);
    const c = { nodeOf: async (name: string) => (await client.get<PodObj>(pods, 'default', name)).spec.nodeName };
    const boundTo = (name: string) => waitFor(`${name} bound`, () => c.nodeOf(name));
    const failure = (name: string) =>
      waitFor(`FailedScheduling for ${name}`, async () => (await client.list<Event>(events, 'default')).items.find((e) => e.involvedObject.name === name && e.reason === 'FailedScheduling')?.message);
    const running = (name: string) => waitFor(`${name} Running`, async () => ((await client.get<PodObj>(pods, 'default', name)).status?.phase === 'Running' ? true : undefined));
    try {
      groups.push(await startHollowNodes(api, 2, { prefix: 'rq-', template: { cpu: '1' } }));
      await client.create(pods, 'default', pod('hog-0', { cpu: '600m' }));
      await client.create(pods, 'default', pod('hog-1', { cpu: '600m' }));
      await running('hog-0');
      await running('hog-1');
      assert.notEqual(await c.nodeOf('hog-0'), await c.nodeOf('hog-1'));
      await client.create(pods, 'default', pod('waiting', { cpu: '600m' }));
      assert.equal(await failure('waiting'), `0/2 nodes are available: 2 Insufficient cpu. ${noVictims(2)}`);
      // A pod deleted (gracefully: the hollow node stops it, then it is gone) frees its node.
      const freed = await c.nodeOf('hog-0');
      await client.delete(pods, 'default', 'hog-0');
      assert.equal(await boundTo('waiting'), freed);

      await client.create(pods, 'default', pod('more', { cpu: '600m' }));
      assert.equal(await failure('more'), `0/2 nodes are available: 2 Insufficient cpu. ${noVictims(2)}`);
      groups.push(await startHollowNodes(api, 1, { prefix: 'rq-new-', template: { cpu: '1' } }));
      assert.equal(await boundTo('more'), 'rq-new-0');

      // Required affinity to a pod that does not exist yet: the pod's arrival (an assigned pod added) lets it in.
      const affinity = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'leader' } }, topologyKey: 'kubernetes.io/hostname' }] } };
      await client.create(pods, 'default', pod('follower', { cpu: '10m', affinity }));
      assert.equal(await failure('follower'), `0/3 nodes are available: 3 node(s) didn't match pod affinity rules. ${notHelpful(3)}`);
      await client.create(pods, 'default', pod('leader', { cpu: '10m', labels: { app: 'leader' } }));
      assert.equal(await boundTo('follower'), await boundTo('leader'));
    } finally {
      stop.abort();
      await scheduler.catch(() => {});
      for (const g of groups) await g.stop();
      client.close();
      await api.stop();
    }
  });
});

describe('scheduler: preemption', () => {
  test('a higher-priority pod that fits nowhere evicts the fewest lower-priority pods of one node, is nominated there, then bound', async () => {
    const api = await startTestAPIServer();
    const client = new Client(credentialsFromKubeconfig(api.kubeconfig));
    const stop = new AbortController();
    let hollow: TestHollowNodes | undefined;
    const scheduler = runSchedulerLoop({ client }, stop.signal);
    type Full = PodObj & { metadata: { uid?: string }; status?: { phase?: string; nominatedNodeName?: string; conditions?: { type: string; status: string; reason?: string; message?: string }[] } };
    const history = new Map<string, Full[]>();
    const podWatch = new Informer<Full>(client, pods);
    const record = (p: Full) => history.set(p.metadata.name ?? '', [...(history.get(p.metadata.name ?? '') ?? []), p]);
    podWatch.on({ add: record, update: (_, p) => record(p) });
    const watching = podWatch.run(stop.signal);
    const get = (name: string) => client.get<Full>(pods, 'default', name);
    const gone = (name: string) => waitFor(`${name} gone`, async () => (await client.get(pods, 'default', name).then(() => false, () => true)) || undefined);
    const eventsAbout = async (name: string, reason: string) => (await client.list<Event>(events, 'default')).items.filter((e) => e.involvedObject.name === name && e.reason === reason);
    try {
      hollow = await startHollowNodes(api, 2, { prefix: 'pre-', template: { cpu: '2' } });
      await client.create(priorityClasses, '', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'low' }, value: 10 });
      await client.create(priorityClasses, '', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 });
      await client.create(priorityClasses, '', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high-never' }, value: 1000, preemptionPolicy: 'Never' });
      // pre-0: one low pod using it all; pre-1: two low pods of 1 CPU each (each is one victim's worth).
      await client.create(pods, 'default', pod('big-low', { cpu: '2', priorityClassName: 'low', nodeName: 'pre-0' }));
      await client.create(pods, 'default', pod('low-a', { cpu: '1', priorityClassName: 'low', nodeName: 'pre-1' }));
      await client.create(pods, 'default', pod('low-b', { cpu: '1', priorityClassName: 'low', nodeName: 'pre-1' }));
      for (const n of ['big-low', 'low-a', 'low-b']) await waitFor(`${n} Running`, async () => ((await get(n)).status?.phase === 'Running' ? true : undefined));

      // preemptionPolicy Never: waits, evicts nobody.
      await client.create(pods, 'default', pod('polite', { cpu: '1', priorityClassName: 'high-never' }));
      const politeMsg = await waitFor('polite FailedScheduling', async () => (await eventsAbout('polite', 'FailedScheduling'))[0]?.message);
      assert.equal(politeMsg, '0/2 nodes are available: 2 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
      for (const n of ['big-low', 'low-a', 'low-b']) assert.equal((await get(n)).metadata.deletionTimestamp, undefined, n);

      await client.create(pods, 'default', pod('urgent', { cpu: '1', priorityClassName: 'high' }));
      const urgent = await get('urgent');
      // Both nodes need one victim; the choice is among equals, so find which went.
      const victim = await waitFor('a victim', async () => {
        for (const n of ['big-low', 'low-a', 'low-b']) if ((await eventsAbout(n, 'Preempted')).length) return n;
        return undefined;
      });
      const node = victim === 'big-low' ? 'pre-0' : 'pre-1';
      const [preempted] = await eventsAbout(victim, 'Preempted');
      assert.equal(preempted?.message, `Preempted by pod ${urgent.metadata.uid ?? ''} on node ${node}`);
      await gone(victim);
      assert.equal(await waitFor('urgent bound', async () => (await get('urgent')).spec.nodeName), node);
      // One victim only; the other low pods still run.
      const survivors = ['big-low', 'low-a', 'low-b'].filter((n) => n !== victim);
      for (const n of survivors) assert.equal((await get(n)).metadata.deletionTimestamp, undefined, n);
      // The victim was marked as upstream marks it before it went.
      const marked = (history.get(victim) ?? []).flatMap((p) => p.status?.conditions ?? []).find((c) => c.type === 'DisruptionTarget');
      assert.deepEqual(marked && [marked.status, marked.reason, marked.message], ['True', 'PreemptionByScheduler', 'default-scheduler: preempting to accommodate a higher priority pod']);
      // The preemptor was nominated to the node before it was bound there, and its FailedScheduling message has no preemption part.
      assert.ok((history.get('urgent') ?? []).some((p) => !p.spec.nodeName && p.status?.nominatedNodeName === node));
      const [failed] = await eventsAbout('urgent', 'FailedScheduling');
      assert.equal(failed?.message, '0/2 nodes are available: 2 Insufficient cpu.');
    } finally {
      stop.abort();
      await scheduler.catch(() => {});
      await watching.catch(() => {});
      await hollow?.stop();
      client.close();
      await api.stop();
    }
  });
});
