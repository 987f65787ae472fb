import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { nodes, pods } from '../../src/api/core/index.js';
import { leases } from '../../src/api/coordination/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { Client, credentialsFromKubeconfig, Informer, isNotFound, sleep, type ListOptions, type ObjectList, type ResourceRef } from '../../src/client/index.js';
import { EXIT_AFTER_ANNOTATION, EXIT_CODE_ANNOTATION, runHollowNodes, TERMINATION_ANNOTATION, USAGE_ANNOTATION } from '../../src/hollow/index.js';
import type { Pod, PodStatus } from '../../src/hollow/pod-status.js';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';
import { startHollowNodes, testNodeTemplate, type TestHollowNodes } from '../support/hollow.js';

interface Node extends KubeObject {
  spec: { podCIDR?: string; podCIDRs?: string[] };
  status: { capacity: Record<string, string>; allocatable: Record<string, string>; conditions: { type: string; status: string; reason: string; message: string }[]; addresses: { type: string; address: string }[]; nodeInfo: { kubeletVersion: string } };
}
interface Lease extends KubeObject {
  spec: { holderIdentity: string; leaseDurationSeconds: number; renewTime: string };
}

/** Wait until `check` gives a value (bounded: 30 s), polling. */
async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

let api: TestAPIServer;
let client: Client;
let hollow: TestHollowNodes | undefined;
/** Every version of every pod, in the order the watch delivered them. */
const history = new Map<string, Pod[]>();
const watching = new AbortController();
let podInformer: Informer<Pod>;

before(async () => {
  api = await startTestAPIServer();
  client = new Client(credentialsFromKubeconfig(api.kubeconfig));
  podInformer = new Informer<Pod>(client, pods);
  const record = (p: Pod) => history.set(p.metadata.name ?? '', [...(history.get(p.metadata.name ?? '') ?? []), p]);
  podInformer.on({ add: record, update: (_, p) => record(p), delete: (p) => record({ ...p, kind: 'Deleted' }) });
  void podInformer.run(watching.signal);
  hollow = await startHollowNodes(api, 3, { leaseDurationSeconds: 2, defaultPodUsage: { cpu: '100m', memory: '32Mi' } });
});
after(async () => {
  watching.abort();
  await hollow?.stop();
  client.close();
  await api.stop();
});

const pod = (name: string, extra: { annotations?: Record<string, string>; nodeName?: string; delay?: number; restartPolicy?: string; grace?: number } = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', ...(extra.annotations ? { annotations: extra.annotations } : {}) },
  spec: {
    ...(extra.nodeName ? { nodeName: extra.nodeName } : {}),
    ...(extra.restartPolicy ? { restartPolicy: extra.restartPolicy } : {}),
    ...(extra.grace !== undefined ? { terminationGracePeriodSeconds: extra.grace } : {}),
    containers: [{ name: 'app', image: 'nginx', ...(extra.delay ? { readinessProbe: { initialDelaySeconds: extra.delay, tcpSocket: { port: 80 } } } : {}) }],
  },
});

/** The pod's status (asserting it has one). */
function st(p: Pod | undefined): PodStatus {
  assert.ok(p?.status);
  return p.status;
}
const getPod = (name: string) => client.get<Pod>(pods, 'default', name);
const condition = (p: Pod, type: string) => p.status?.conditions?.find((c) => c.type === type);
const bind = (name: string, node: string) => client.post(pods, 'default', name, 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { apiVersion: 'v1', kind: 'Node', name: node } });

describe('hollow nodes', () => {
  test('register Ready nodes with capacity, distinct pod CIDRs and upstream labels', async () => {
    const list = (await client.list<Node>(nodes)).items.filter((n) => n.metadata.name?.startsWith('hollow-'));
    assert.deepEqual(list.map((n) => n.metadata.name).sort(), ['hollow-0', 'hollow-1', 'hollow-2']);
    assert.equal(new Set(list.map((n) => n.spec.podCIDR)).size, 3);
    for (const n of list) {
      assert.match(n.spec.podCIDR ?? '', /^10\.42\.\d+\.0\/24$/);
      assert.deepEqual(n.spec.podCIDRs, [n.spec.podCIDR]);
      assert.deepEqual(n.status.conditions.find((c) => c.type === 'Ready'), { ...n.status.conditions.find((c) => c.type === 'Ready'), status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' });
      assert.deepEqual(n.status.conditions.map((c) => c.type), ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']);
      assert.equal(n.status.capacity.pods, '110');
      assert.equal(n.status.capacity.cpu, '4');
      assert.equal(n.status.capacity.memory, '16777216Ki');
      assert.equal(n.status.allocatable.memory, '16674816Ki');
      assert.equal(n.status.nodeInfo.kubeletVersion, 'v1.33.0+skiff');
      assert.equal(n.metadata.labels?.['kubernetes.io/hostname'], n.metadata.name);
      assert.equal(n.metadata.labels?.['kubernetes.io/os'], 'linux');
      assert.deepEqual(n.status.addresses, [{ type: 'InternalIP', address: '192.168.0.10' }, { type: 'Hostname', address: n.metadata.name }]);
    }
  });

  test('renew their Leases in kube-node-lease', async () => {
    const first = await client.get<Lease>(leases, 'kube-node-lease', 'hollow-1');
    assert.equal(first.spec.holderIdentity, 'hollow-1');
    assert.equal(first.spec.leaseDurationSeconds, 2);
    const node = await client.get(nodes, '', 'hollow-1');
    assert.deepEqual(first.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'hollow-1', uid: node.metadata.uid }]);
    const renewed = await until('a renewal', async () => {
      const l = await client.get<Lease>(leases, 'kube-node-lease', 'hollow-1');
      return Date.parse(l.spec.renewTime) > Date.parse(first.spec.renewTime) ? l : undefined;
    });
    assert.match(renewed.spec.renewTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  test('a pod bound to a node runs there, and is Ready only after its readiness delay', async () => {
    await client.create(pods, 'default', pod('web', { delay: 2 }));
    await bind('web', 'hollow-2');
    const running = await until('Running', async () => ((await getPod('web')).status?.phase === 'Running' ? getPod('web') : undefined));
    const node = await client.get<Node>(nodes, '', 'hollow-2');
    const prefix = (node.spec.podCIDR ?? '').replace(/0\/24$/, '');
    assert.ok(st(running).podIP?.startsWith(prefix), `${st(running).podIP ?? ''} in ${node.spec.podCIDR ?? ''}`);
    assert.deepEqual(st(running).podIPs, [{ ip: st(running).podIP }]);
    assert.equal(st(running).hostIP, '192.168.0.10');
    assert.ok(st(running).startTime);
    const ready = await until('Ready', async () => {
      const p = await getPod('web');
      return condition(p, 'Ready')?.status === 'True' ? p : undefined;
    });
    const seen = history.get('web') ?? [];
    const notReady = seen.find((p) => p.status?.phase === 'Running' && condition(p, 'Ready')?.status === 'False');
    assert.ok(notReady, 'the pod ran unready before its delay passed');
    assert.equal(condition(notReady, 'Ready')?.reason, 'ContainersNotReady');
    assert.equal(condition(notReady, 'Ready')?.message, 'containers with unready status: [app]');
    const startedAt = Date.parse(ready.status?.containerStatuses?.[0]?.state.running?.startedAt ?? '');
    assert.ok(Date.parse(condition(ready, 'Ready')?.lastTransitionTime ?? '') - startedAt >= 2000, 'Ready no sooner than initialDelaySeconds after the start');
    assert.deepEqual(st(ready).conditions?.map((c) => [c.type, c.status]), [['PodReadyToStartContainers', 'True'], ['Initialized', 'True'], ['Ready', 'True'], ['ContainersReady', 'True'], ['PodScheduled', 'True']]);
    assert.deepEqual(st(ready).containerStatuses?.map((s) => [s.name, s.ready, s.started, s.restartCount, s.image]), [['app', true, true, 0, 'docker.io/library/nginx:latest']]);
  });

  test('a pod created with nodeName set runs too, and pods on other nodes are left alone', async () => {
    await client.create(pods, 'default', pod('direct', { nodeName: 'hollow-0' }));
    await client.create(pods, 'default', pod('elsewhere', { nodeName: 'not-hollow' }));
    const p = await until('Running', async () => ((await getPod('direct')).status?.phase === 'Running' ? getPod('direct') : undefined));
    assert.equal(condition(p, 'PodScheduled')?.status, 'True');
    assert.equal(condition(p, 'Ready')?.status, 'True');
    assert.equal((await getPod('elsewhere')).status?.phase, 'Pending');
  });

  test('deletion: containers slower to stop than the grace period are killed when it ends, then the pod is deleted', async () => {
    await client.create(pods, 'default', pod('graceful', { nodeName: 'hollow-1', annotations: { [TERMINATION_ANNOTATION]: '600' } }));
    await until('Running', async () => ((await getPod('graceful')).status?.phase === 'Running' ? true : undefined));
    await client.delete(pods, 'default', 'graceful', { gracePeriodSeconds: 2 });
    const marked = await getPod('graceful');
    assert.ok(marked.metadata.deletionTimestamp);
    await until('gone', async () => getPod('graceful').then(() => undefined, (err: unknown) => (isNotFound(err) ? true : undefined)));
    const seen = history.get('graceful') ?? [];
    assert.equal(seen.at(-1)?.kind, 'Deleted');
    const last = seen.at(-2);
    assert.equal(last?.status?.phase, 'Failed');
    const terminated = st(last).containerStatuses?.[0]?.state.terminated;
    assert.equal(terminated?.exitCode, 137);
    assert.ok(Date.parse(terminated.finishedAt) >= Date.parse(marked.metadata.deletionTimestamp), 'killed no sooner than the grace period ends');
  });

  test('deletion: containers that stop sooner than the grace period (at once by default) end the pod then', async () => {
    await client.create(pods, 'default', pod('quick', { nodeName: 'hollow-1' }));
    await client.create(pods, 'default', pod('slowish', { nodeName: 'hollow-1', annotations: { [TERMINATION_ANNOTATION]: '2' } }));
    for (const name of ['quick', 'slowish']) await until('Running', async () => ((await getPod(name)).status?.phase === 'Running' ? true : undefined));
    for (const name of ['quick', 'slowish']) await client.delete(pods, 'default', name, { gracePeriodSeconds: 600 });
    const marked = await getPod('slowish');
    for (const name of ['quick', 'slowish']) await until('gone', async () => getPod(name).then(() => undefined, (err: unknown) => (isNotFound(err) ? true : undefined)));
    for (const name of ['quick', 'slowish']) {
      const last = (history.get(name) ?? []).at(-2);
      assert.equal(last?.status?.phase, 'Succeeded');
      assert.equal(last.status.containerStatuses?.[0]?.state.terminated?.exitCode, 0);
    }
    // Stopped 2 s after the delete (deletionTimestamp is the delete plus the 600 s grace period).
    const stopped = (history.get('slowish') ?? []).at(-2)?.status?.containerStatuses?.[0]?.state.terminated?.finishedAt ?? '';
    const deleted = Date.parse(marked.metadata.deletionTimestamp ?? '') - 600_000;
    assert.ok(Date.parse(stopped) - deleted >= 1000, `stopped at ${stopped}, deleted at ${new Date(deleted).toISOString()}`);
  });

  test('job-style pods exit with the annotated code after the annotated time', async () => {
    await client.create(pods, 'default', pod('fails', { nodeName: 'hollow-0', restartPolicy: 'Never', annotations: { [EXIT_AFTER_ANNOTATION]: '1', [EXIT_CODE_ANNOTATION]: '3' } }));
    await client.create(pods, 'default', pod('succeeds', { nodeName: 'hollow-2', restartPolicy: 'OnFailure', annotations: { [EXIT_AFTER_ANNOTATION]: '1' } }));
    const failed = await until('Failed', async () => ((await getPod('fails')).status?.phase === 'Failed' ? getPod('fails') : undefined));
    const t = failed.status?.containerStatuses?.[0]?.state.terminated;
    assert.equal(t?.exitCode, 3);
    assert.equal(t.reason, 'Error');
    assert.ok(Date.parse(t.finishedAt) - Date.parse(t.startedAt) >= 1000);
    assert.ok((history.get('fails') ?? []).some((p) => p.status?.phase === 'Running'), 'it ran first');
    assert.equal(condition(failed, 'Ready')?.reason, 'PodFailed');
    const ok = await until('Succeeded', async () => ((await getPod('succeeds')).status?.phase === 'Succeeded' ? getPod('succeeds') : undefined));
    assert.equal(ok.status?.containerStatuses?.[0]?.state.terminated?.reason, 'Completed');
    assert.equal(condition(ok, 'Ready')?.reason, 'PodCompleted');
  });

  test('nodes that took a range another process took meanwhile move to a free one', async () => {
    // A client whose first node list comes back empty: the nodes pick ranges that hollow-0 and hollow-1 already hold, as when two processes register at once.
    class Forgetful extends Client {
      #forgot = false;
      override list<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace = '', options: ListOptions = {}): Promise<ObjectList<T>> {
        if (ref.resource === 'nodes' && !this.#forgot) {
          this.#forgot = true;
          return Promise.resolve({ items: [], metadata: { resourceVersion: '' } });
        }
        return super.list<T>(ref, namespace, options);
      }
    }
    const forgetful = new Forgetful(credentialsFromKubeconfig(api.kubeconfig));
    const stop = new AbortController();
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    const running = runHollowNodes({ client: forgetful, names: ['race-0', 'race-1'], template: testNodeTemplate, clusterCIDR: '10.42.0.0/16', onReady: ready }, stop.signal);
    try {
      await Promise.race([isReady, running]);
      const all = (await client.list<Node>(nodes)).items;
      const cidrs = all.map((n) => n.spec.podCIDR);
      assert.equal(new Set(cidrs).size, all.length, `distinct ranges: ${cidrs.join(' ')}`);
      const race = all.filter((n) => n.metadata.name?.startsWith('race-'));
      assert.equal(race.length, 2);
      for (const n of race) assert.ok(!['10.42.0.0/24', '10.42.1.0/24'].includes(n.spec.podCIDR ?? ''), `${n.metadata.name ?? ''} moved from ${n.spec.podCIDR ?? ''}`);
    } finally {
      stop.abort();
      await running;
      forgetful.close();
    }
  });

  test('pods start while Lease renewals hang (heartbeats do not take every request slot)', async () => {
    // A client whose Lease renewals (PUTs, after the first create) hang until released, as on a server too busy for 5,000 nodes' heartbeats.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let hung = 0;
    class Stuck extends Client {
      override update<T extends KubeObject = KubeObject>(ref: ResourceRef, obj: KubeObject, subresource = '', options: { fieldManager?: string } = {}): Promise<T> {
        if (ref.resource === 'leases') {
          hung++;
          return released.then(() => super.update<T>(ref, obj, subresource, options));
        }
        return super.update<T>(ref, obj, subresource, options);
      }
    }
    const stuck = new Stuck(credentialsFromKubeconfig(api.kubeconfig));
    const stop = new AbortController();
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    // Renewals every 250 ms soon hold every heartbeat slot.
    const running = runHollowNodes({ client: stuck, names: ['beat-0', 'beat-1', 'beat-2'], template: testNodeTemplate, clusterCIDR: '10.42.0.0/16', leaseDurationSeconds: 1, maxInflight: 2, onReady: ready }, stop.signal);
    try {
      await Promise.race([isReady, running]);
      await until('a renewal hanging', () => (hung > 0 ? true : undefined));
      // Let the renewals due in the next few periods pile up behind it.
      await sleep(600);
      await client.create(pods, 'default', pod('beside-heartbeats', { nodeName: 'beat-0' }));
      const p = await until('Running', async () => {
        const got = await getPod('beside-heartbeats');
        return got.status?.phase === 'Running' ? got : undefined;
      });
      assert.equal(condition(p, 'Ready')?.status, 'True');
    } finally {
      release();
      stop.abort();
      await running;
      stuck.close();
    }
  });

  test("running pods report the node's default usage unless they carry their own, and the metrics API serves it", async () => {
    await client.create(pods, 'default', pod('busy', { nodeName: 'hollow-0', annotations: { [USAGE_ANNOTATION]: '{"cpu":"750m","memory":"1Gi"}' } }));
    await client.create(pods, 'default', pod('idle', { nodeName: 'hollow-0' }));
    const idle = await until('usage reported', async () => {
      const p = await getPod('idle');
      return p.metadata.annotations?.[USAGE_ANNOTATION] ? p : undefined;
    });
    assert.deepEqual(JSON.parse(idle.metadata.annotations?.[USAGE_ANNOTATION] ?? ''), { cpu: '100m', memory: '32Mi' });
    const metrics = await until('metrics', async () => {
      const r = await api.request('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/busy');
      return r.status === 200 ? (r.body as { containers: { name: string; usage: { cpu: string } }[] }) : undefined;
    });
    assert.deepEqual(metrics.containers.map((c) => [c.name, c.usage.cpu]), [['app', '750m']]);
    assert.equal((await getPod('busy')).metadata.annotations?.[USAGE_ANNOTATION], '{"cpu":"750m","memory":"1Gi"}');
  });
});
