// The kubelet's resources on a real containerd: requests and limits reach
// the containers' cgroups, a container over its memory limit is OOMKilled
// and restarted as its policy says, and the usage it measures is what
// `metrics.k8s.io` and `kubectl top` show. Needs root, containerd, runc, the
// CNI plugins and busybox-static; skipped without them, except under CI=true.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { nodes, pods } from '../../src/api/core/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { quantityValue } from '../../src/api/quantity.js';
import { Client, credentialsFromKubeconfig, sleep } from '../../src/client/index.js';
import { runKubelet } from '../../src/kubelet/kubelet.js';
import type { Pod } from '../../src/kubelet/pod/types.js';
import { runUsageReporter } from '../../src/kubelet/usage-reporter.js';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';
import { skipWithoutRuntime, startTestRuntime, type TestRuntime } from '../support/containerd.js';
import { kubectlAsyncOK } from '../support/kubectl.js';

const NODE = 'resources-test-node';

/** Poll `check` every 100 ms (at most 60 s) until it returns a value. */
async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (let i = 0; ; i++) {
    const v = await check();
    if (v !== undefined) return v;
    if (i >= 600) throw new Error(`gave up waiting for ${what}`);
    await sleep(100);
  }
}

type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };

const podObject = (name: string, command: string[], resources: Resources, restartPolicy = 'Always'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName: NODE, restartPolicy, terminationGracePeriodSeconds: 0, containers: [{ name: 'main', image: 'busybox:test', command, resources }] },
});

/** An API server, a containerd of the test's own and a kubelet between them (reporting usage every `usageMs`); `stop` in every outcome. */
async function startNode(usageMs?: number): Promise<{ api: TestAPIServer; client: Client; rt: TestRuntime; stop: () => Promise<void> }> {
  const api = await startTestAPIServer();
  const client = new Client(credentialsFromKubeconfig(api.kubeconfig));
  const rt = await startTestRuntime().catch(async (err: unknown) => {
    client.close();
    await api.stop();
    throw err;
  });
  const abort = new AbortController();
  let kubelet: Promise<void> | undefined;
  let reporter: Promise<void> | undefined;
  const stop = async () => {
    abort.abort();
    await kubelet;
    await reporter;
    await rt.cleanup();
    client.close();
    await api.stop();
  };
  try {
    await client.create(nodes, '', { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE }, spec: { podCIDR: rt.subnet } });
    let ready = false as boolean;
    kubelet = runKubelet({ client, nodeName: NODE, cri: rt.cri, dataDir: rt.dataDir, nodeIP: '127.0.0.1', cgroupRoot: rt.cgroupParent, resyncMs: 500, onReady: () => { ready = true; } }, abort.signal);
    await eventually('kubelet ready', () => (ready ? true : undefined));
    if (usageMs !== undefined) reporter = runUsageReporter({ client, cri: rt.cri, nodeName: NODE, intervalMs: usageMs }, abort.signal);
  } catch (err) {
    await stop();
    throw err;
  }
  return { api, client, rt, stop };
}

/** The file `name` of the container's cgroup in `controller` (cgroups v1, cgroupfs: `<parent>/pod<uid>/<container id>`). */
const cgroupFile = (rt: TestRuntime, pod: Pod, controller: string, name: string): string => {
  const id = pod.status?.containerStatuses?.[0]?.containerID.replace('containerd://', '') ?? '';
  return readFileSync(join('/sys/fs/cgroup', controller, rt.cgroupParent, `pod${pod.metadata.uid ?? ''}`, id, name), 'utf8').trim();
};

test('requests and limits reach the container\'s cgroup; over its memory limit it is OOMKilled and restarted as its policy says', async (t) => {
  if (skipWithoutRuntime(t)) return;
  const { api, client, rt, stop } = await startNode();
  try {
    const get = (name: string) => client.get<Pod>(pods, 'default', name);

    // Burstable: shares from the 100m request, a 25 ms quota per 100 ms from the 250m limit, the 20Mi memory limit.
    await client.create(pods, 'default', podObject('limited', ['sleep', '3600'], { requests: { cpu: '100m', memory: '10Mi' }, limits: { cpu: '250m', memory: '20Mi' } }));
    const limited = await eventually('limited Running', async () => {
      const p = await get('limited');
      return p.status?.containerStatuses?.[0]?.state.running ? p : undefined;
    });
    assert.equal(cgroupFile(rt, limited, 'memory', 'memory.limit_in_bytes'), String(20 * 2 ** 20));
    assert.equal(cgroupFile(rt, limited, 'cpu', 'cpu.shares'), '102');
    assert.equal(cgroupFile(rt, limited, 'cpu', 'cpu.cfs_quota_us'), '25000');
    assert.equal(cgroupFile(rt, limited, 'cpu', 'cpu.cfs_period_us'), '100000');
    // A Burstable container asking for 10Mi of this machine's memory scores 1000 - 1000 * 10Mi / memory (999 at most).
    const pid = cgroupFile(rt, limited, 'memory', 'cgroup.procs').split('\n')[0] ?? '';
    assert.equal(readFileSync(`/proc/${pid}/oom_score_adj`, 'utf8').trim(), String(Math.min(999, 1000 - Math.floor((1000 * 10 * 2 ** 20) / totalmem()))));

    // Without requests or limits: BestEffort, the minimum shares, no quota, the highest OOM score.
    await client.create(pods, 'default', podObject('besteffort', ['sleep', '3600'], {}));
    const besteffort = await eventually('besteffort Running', async () => {
      const p = await get('besteffort');
      return p.status?.containerStatuses?.[0]?.state.running ? p : undefined;
    });
    assert.equal(cgroupFile(rt, besteffort, 'cpu', 'cpu.shares'), '2');
    assert.equal(cgroupFile(rt, besteffort, 'cpu', 'cpu.cfs_quota_us'), '-1');
    const bePid = cgroupFile(rt, besteffort, 'memory', 'cgroup.procs').split('\n')[0] ?? '';
    assert.equal(readFileSync(`/proc/${bePid}/oom_score_adj`, 'utf8').trim(), '1000');

    // Guaranteed asks for -997; containerd (restrict_oom_score_adj) raises it to its own score.
    await client.create(pods, 'default', podObject('guaranteed', ['sleep', '3600'], { requests: { cpu: '100m', memory: '20Mi' }, limits: { cpu: '100m', memory: '20Mi' } }));
    const guaranteed = await eventually('guaranteed Running', async () => {
      const p = await get('guaranteed');
      return p.status?.containerStatuses?.[0]?.state.running ? p : undefined;
    });
    const gPid = cgroupFile(rt, guaranteed, 'memory', 'cgroup.procs').split('\n')[0] ?? '';
    const containerdScore = readFileSync(`/proc/${String(rt.containerd.pid())}/oom_score_adj`, 'utf8').trim();
    assert.equal(readFileSync(`/proc/${gPid}/oom_score_adj`, 'utf8').trim(), String(Math.max(-997, Number(containerdScore))));

    // tail keeps its whole input, a line without end: past 20Mi the kernel kills it, containerd reports OOMKilled.
    const hog = ['sh', '-c', 'head -c 200m /dev/zero | tail'];
    await client.create(pods, 'default', podObject('oom', hog, { limits: { memory: '20Mi' } }, 'Never'));
    const oom = await eventually('oom Failed', async () => {
      const p = await get('oom');
      return p.status?.phase === 'Failed' ? p : undefined;
    });
    const term = oom.status?.containerStatuses?.[0]?.state.terminated;
    assert.equal(term?.reason, 'OOMKilled', JSON.stringify(oom.status?.containerStatuses));
    assert.equal(term.exitCode, 137);
    const table = await kubectlAsyncOK(api.kubeconfig, ['get', 'pod', 'oom', '--no-headers']);
    assert.match(table, /^oom\s+0\/1\s+OOMKilled\s+0\s/, table);

    // With restartPolicy Always it is started again, the OOM kill its last state, then it backs off.
    await client.create(pods, 'default', podObject('oom-again', hog, { limits: { memory: '20Mi' } }));
    const again = await eventually('oom-again restarted', async () => {
      const c = (await get('oom-again')).status?.containerStatuses?.[0];
      return c && c.restartCount >= 1 && c.lastState.terminated ? c : undefined;
    });
    assert.equal(again.lastState.terminated?.reason, 'OOMKilled');
    assert.equal(again.lastState.terminated.exitCode, 137);
    assert.equal((await get('oom-again')).status?.phase, 'Running');
  } finally {
    await stop();
  }
});

type PodMetrics = { metadata: { name: string }; timestamp: string; window: string; containers: { name: string; usage: { cpu: string; memory: string } }[] };

test('the kubelet measures real usage: metrics.k8s.io and kubectl top show a busy container\'s CPU, an idle one\'s ~0, and the node\'s', async (t) => {
  if (skipWithoutRuntime(t)) return;
  const { api, client, stop } = await startNode(1000);
  try {
    await client.create(pods, 'default', podObject('burner', ['sh', '-c', 'while :; do :; done'], {}));
    await client.create(pods, 'default', podObject('idle', ['sleep', '3600'], {}));
    const list = await eventually('metrics of both pods', async () => {
      const l = await api.get<{ items: PodMetrics[] }>('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods');
      return l.items.length === 2 ? l.items : undefined;
    });
    const metricsOf = (name: string) => list.find((m) => m.metadata.name === name)?.containers[0];
    const burner = metricsOf('burner');
    const idle = metricsOf('idle');
    // The quantities parse as the HPA controller parses them.
    const cores = (c: typeof burner) => quantityValue(c?.usage.cpu) ?? -1;
    const bytes = (c: typeof burner) => quantityValue(c?.usage.memory) ?? -1;
    // A shell spinning gets what the machine's two CPUs, shared with other work, leave it: well above an idle sleep's ~0.
    assert.ok(cores(burner) > 0.02, `burner uses ${String(burner?.usage.cpu)}`);
    assert.ok(cores(idle) >= 0 && cores(idle) < 0.005, `idle uses ${String(idle?.usage.cpu)}`);
    assert.ok(bytes(burner) > 0 && bytes(idle) > 0, `memory ${String(burner?.usage.memory)}, ${String(idle?.usage.memory)}`);
    assert.equal(list[0]?.window, '1s');

    // kubectl top reads the same API: the busy pod's millicores, and the node's measured usage.
    const top = await kubectlAsyncOK(api.kubeconfig, ['top', 'pod', '--no-headers']);
    t.diagnostic(`kubectl top pod:\n${top}`);
    const row = (name: string) => new RegExp(`^${name}\\s+(\\d+)m\\s+(\\d+)Mi`, 'm').exec(top);
    assert.ok(Number(row('burner')?.[1]) > 20, top);
    assert.ok(Number(row('idle')?.[1]) < 5, top);
    await eventually('node metrics measured', async () => {
      const n = await api.get<{ timestamp: string; window: string }>(`/apis/metrics.k8s.io/v1beta1/nodes/${NODE}`);
      return n.window === '1s' ? n : undefined;
    });
    const out = await kubectlAsyncOK(api.kubeconfig, ['top', 'node', '--no-headers']);
    t.diagnostic(`kubectl top node:\n${out}`);
    // The test node declares no allocatable: kubectl prints no percentages.
    const m = new RegExp(`^${NODE}\\s+(\\d+)m\\s+(\\d+)Mi`, 'm').exec(out);
    const node = { cpu: Number(m?.[1]), memory: Number(m?.[2]), out };
    // The whole machine is at least as busy as the spinning shell, and uses memory.
    assert.ok(node.cpu > 20 && node.memory > 0, node.out);

    // Usage sampled more than two minutes ago (a kubelet that stopped reporting) is not served.
    const old = new Date(Date.now() - 180_000).toISOString().replace(/\.\d+Z$/, 'Z');
    await client.patch(pods, 'default', 'idle', { metadata: { annotations: { 'skiff.io/usage': JSON.stringify({ timestamp: old, window: '1s', containers: { main: { cpu: '0', memory: '1Mi' } } }) } } }, 'merge');
    await eventually('idle without metrics', async () => {
      const fresh = await api.get<{ items: PodMetrics[] }>('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods');
      return fresh.items.map((m) => m.metadata.name).join() === 'burner' ? true : undefined;
    });
  } finally {
    await stop();
  }
});
