/**
 * Probes of the pod start benchmark that show where a kubelet's time goes
 * besides the start itself: CPU while pods idle (the resync), the latency
 * of the CRI calls each pod sync makes, an API write → watch round trip,
 * and (from grpc-js tracing) how many CRI calls of each kind the kubelet made.
 */
import { performance } from 'node:perf_hooks';
import { pods } from '../../src/api/core/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { splitKey, type Client, type Informer } from '../../src/client/index.js';
import type { CriClient } from '../../src/kubelet/cri/client.js';
import { pause } from './cluster.js';
import { cpuSecondsOf } from './proc.js';
import { round, summarize, type Summary } from './stats.js';

/** CPU (cores) of the server and its containerd over a quiet `ms`. */
export async function idleCpu(pids: { server: number; containerd: number }, ms: number, signal: AbortSignal): Promise<{ serverCores: number; containerdCores: number }> {
  const before = { server: cpuSecondsOf(pids.server), containerd: cpuSecondsOf(pids.containerd) };
  await pause(ms, signal);
  return {
    serverCores: round((cpuSecondsOf(pids.server) - before.server) / (ms / 1000), 3),
    containerdCores: round((cpuSecondsOf(pids.containerd) - before.containerd) / (ms / 1000), 3),
  };
}

/** Latency of each CRI call a sync of a running pod makes (and ImageStatus, made before each container start), `n` of each, one at a time. */
export async function criLatencies(cri: CriClient, image: string, n: number): Promise<Record<string, Summary>> {
  const [sandbox] = await cri.listPodSandbox({ labelSelector: { bench: 'podstart' }, state: { state: 'SANDBOX_READY' } });
  if (!sandbox) throw new Error('no running benchmark pod to probe CRI calls with');
  const [container] = await cri.listContainers({ podSandboxId: sandbox.id });
  if (!container) throw new Error(`sandbox ${sandbox.id} has no container`);
  const uid = sandbox.labels['io.kubernetes.pod.uid'] ?? '';
  const calls: Record<string, () => Promise<unknown>> = {
    ListPodSandbox: () => cri.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': uid } }),
    ListContainers: () => cri.listContainers({ podSandboxId: sandbox.id }),
    ContainerStatus: () => cri.containerStatus(container.id),
    PodSandboxStatus: () => cri.podSandboxStatus(sandbox.id),
    ImageStatus: () => cri.imageStatus({ image }),
    'ListPodSandbox (all)': () => cri.listPodSandbox(),
  };
  const out: Record<string, Summary> = {};
  for (const [name, call] of Object.entries(calls)) {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await call();
      ms.push(performance.now() - t0);
    }
    out[name] = summarize(ms);
  }
  return out;
}

/**
 * Start of a PATCH → this process's watch showing it, `n` times on pod `key`:
 * `annotation`, a merge patch of one annotation; `status`, a strategic merge
 * patch of the whole status on `pods/status` (the kubelet's write), changing
 * only its message.
 */
export async function watchRoundTrips(api: Client, informer: Informer, key: string, n: number, kind: 'annotation' | 'status'): Promise<Summary> {
  const [ns, name] = splitKey(key);
  const probe = (p: KubeObject): string | undefined => (kind === 'annotation' ? p.metadata.annotations?.['bench/probe'] : (p as { status?: { message?: string } }).status?.message);
  // One handler for every probe (an informer's handlers stay): it wakes the probe whose value arrives.
  let want: { value: string; seen: () => void } | undefined;
  informer.on({ update: (_, p) => { if (want && p.metadata.name === name && probe(p) === want.value) want.seen(); } });
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const value = `${kind}-${String(i)}-${String(Date.now())}`;
    const arrived = new Promise<void>((resolve) => (want = { value, seen: resolve }));
    const status = (informer.get(key) as { status?: object } | undefined)?.status ?? {};
    const t0 = performance.now();
    if (kind === 'annotation') await api.patch(pods, ns, name, { metadata: { annotations: { 'bench/probe': value } } }, 'merge');
    else await api.patch(pods, ns, name, { status: { ...status, message: value } }, 'strategic', { subresource: 'status' });
    await arrived;
    ms.push(performance.now() - t0);
  }
  want = undefined;
  return summarize(ms);
}

/** Per CRI method, calls per pod in grpc-js `channel` trace lines (`createResolvingCall [N] method="/runtime.v1.RuntimeService/ListContainers"`). */
export function criCallCounts(trace: string, podCount: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of trace.matchAll(/createResolvingCall \[\d+\] method="\/runtime\.v1\.\w+\/(\w+)"/g)) {
    const method = m[1] ?? '';
    counts[method] = (counts[method] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, round(v / podCount, 2)]));
}
