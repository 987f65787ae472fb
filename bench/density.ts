/**
 * The density benchmark (issue 4): 5,000 hollow nodes × 30 pods through
 * Deployments: the time until every pod is Running and Ready, and the API
 * server's RSS, against a 500-node baseline in the same run (the ratios
 * show whether the cost per pod and the memory per pod stay flat as the
 * cluster grows ten times).
 *
 * Everything runs as a user would run it, in separate processes: a real
 * `skiff server --runtime fake --disable-agent` (SQLite in its own temp data
 * dir; scheduler and controller manager inside it, as always), one
 * `skiff hollow --nodes N` process joining with the server's token, and
 * this process, which creates the Deployments through src/client and
 * watches the pods with an informer.
 *
 * The workload is upstream's clusterloader2 density test (saturation
 * phase): one namespace per 100 nodes, each holding one Deployment of
 * 30 × 100 = 3,000 replicas (1m CPU, 10M memory requests, so that the
 * scheduler spreads them rather than packing), i.e. 30 pods per node.
 * Large Deployments rather than one per node keep the cost where upstream's
 * test puts it: the ReplicaSet controller's burst creates, the scheduler,
 * the kubelets' status writes and the watch fan-out, not thousands of
 * Deployment syncs. The Deployments are created back to back (upstream
 * paces them at 5/s; with at most 50 of them that only delays the start),
 * and the pass mark is upstream's saturation timeout: pods ÷ 20/s + 180 s.
 *
 * Per pod, this process records when its watch first sees the pod, sees it
 * bound, and sees it Running and Ready (the server's timestamps have only
 * second resolution). Server RSS (VmRSS, VmHWM from /proc) is read idle
 * after start, once the nodes are registered, and at the end; CPU seconds of
 * each process over the pod phase and a 1/s API probe show where time went.
 * Prints a table and writes bench/results/density.json.
 *
 * @example
 * npm run bench:density                       # 500 then 5,000 nodes
 * BENCH_SCALE=0.1 npm run bench:density       # 50 then 500 nodes
 * BENCH_NODES=500,2000 npm run bench:density  # explicit node counts, the first is the baseline
 * BENCH_TIMEOUT_S=600 npm run bench:density      # give up on the pods after 10 min (partial figures)
 * BENCH_PROFILE=cpu BENCH_PROFILE_DIR=/tmp/prof npm run bench:density  # --cpu-prof (or heap: --heap-prof) the server and hollow
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { deployments } from '../src/api/apps/index.js';
import { namespaces, pods } from '../src/api/core/index.js';
import type { KubeObject } from '../src/api/meta.js';
import { Informer, sleep } from '../src/client/index.js';
import { orAbort, pause, startCluster, until, type Cluster } from './lib/cluster.js';
import { PodTracker } from './lib/pod-tracker.js';
import { cpuSecondsOf, memoryOf, type Memory } from './lib/proc.js';
import { row, table, type Row } from './lib/report.js';
import { round, summarize, type Summary } from './lib/stats.js';

const scale = Number(process.env.BENCH_SCALE ?? '1');
const nodeCounts = process.env.BENCH_NODES ? process.env.BENCH_NODES.split(',').map(Number) : [500, 5000].map((n) => Math.max(1, Math.round(n * scale)));
/** BENCH_PROFILE=cpu|heap runs the server and hollow processes under node's --cpu-prof or --heap-prof, writing to BENCH_PROFILE_DIR. */
const timeoutSeconds = process.env.BENCH_TIMEOUT_S === undefined ? undefined : Number(process.env.BENCH_TIMEOUT_S);
const profileKind = process.env.BENCH_PROFILE === 'heap' ? 'heap' : process.env.BENCH_PROFILE === 'cpu' || process.env.BENCH_PROFILE_DIR ? 'cpu' : undefined;
const profileDir = process.env.BENCH_PROFILE_DIR ?? join(tmpdir(), 'skiff-density-profiles');

const params = {
  scale,
  nodes: nodeCounts,
  podsPerNode: 30,
  nodesPerNamespace: 100,
  podRequests: { cpu: '1m', memory: '10M' },
  hollowNode: 'skiff hollow defaults: 4 CPU, 16Gi, 110 pods, Lease 40 s renewed every 10 s, 32 requests in flight',
  clusterCIDR: '10.0.0.0/8',
  idleWaitMs: 3000,
  /** Nodes idle this long after registering (one Lease renewal period) before pods; the server's CPU over it is the cost of idle nodes. */
  settleMs: 10_000,
  probeIntervalMs: 1000,
  sampleIntervalMs: 5000,
  /** Upstream's saturation pass mark: pods ÷ this many per second, plus `passSlackSeconds`. */
  passPodsPerSecond: 20,
  passSlackSeconds: 180,
  /** Upstream's hard timeout: the pass mark, but at least this; BENCH_TIMEOUT_S overrides it (a capped run records partial figures). */
  hardTimeoutSeconds: 1200,
  timeoutSeconds,
  server: 'skiff server --runtime fake --disable-agent (SQLite), its own process',
  hollow: 'skiff hollow --nodes N, its own process',
  client: 'this process: src/client, informers on nodes, pods and Deployments',
};

/** One progress sample. */
interface Sample {
  readonly s: number;
  readonly seen: number;
  readonly bound: number;
  readonly running: number;
  /** Nodes Ready: Lease renewals falling behind would show here first. */
  readonly nodesReady: number;
  readonly serverRssMB: number;
  readonly hollowRssMB: number;
  readonly serverCpuS: number;
  readonly hollowCpuS: number;
  readonly probeMaxMs: number;
}

interface Figures {
  nodes: number;
  pods: number;
  /** Pods seen Running and Ready (all of them unless the run did not finish). */
  running: number;
  deployments: number;
  completed: boolean;
  serverReadyMs: number;
  nodesReadyMs: number;
  /** Server CPU (cores) while the nodes idle (Lease renewals, node status) before any pod. */
  idleNodesServerCores: number;
  allRunningMs: number;
  podsPerSecond: number;
  msPerPod: number;
  deploymentsReadyMs: number;
  seenToBound: Summary;
  boundToRunning: Summary;
  seenToRunning: Summary;
  firstCreateToRunning: Summary;
  probe: Summary;
  benchLoopDelayP99Ms: number;
  memory: { idle: Memory; nodesRegistered: Memory; end: Memory; hollowEnd: Memory; bench: Memory };
  rssPerPodKB: number;
  /** V8 heap in use at the end (the server's /metrics), and per pod. */
  heapUsedMB: number;
  heapPerPodKB: number;
  cpuSeconds: { server: number; hollow: number; bench: number };
  sqliteMB: number;
  samples: Sample[];
  error?: string;
}

const log = (m: string) => process.stderr.write(`${m}\n`);
const mb = (m: Memory) => `${m.rssMB.toFixed(0)} MB`;

const deployment = (name: string, namespace: string, replicas: number): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace, labels: { group: 'saturation' } },
  spec: {
    replicas,
    selector: { matchLabels: { name } },
    template: {
      metadata: { labels: { name, group: 'saturation' } },
      spec: { containers: [{ name: 'density', image: 'registry.k8s.io/pause:3.9', resources: { requests: params.podRequests } }] },
    },
  },
});

/** The Deployments of `n` nodes: one per 100 nodes (the last takes the remainder), 30 replicas per node. */
function plan(n: number): { namespace: string; name: string; replicas: number }[] {
  const out = [];
  for (let i = 0; i * params.nodesPerNamespace < n; i++) {
    const nodesHere = Math.min(params.nodesPerNamespace, n - i * params.nodesPerNamespace);
    out.push({ namespace: `density-${String(i)}`, name: 'saturation-deployment-0', replicas: nodesHere * params.podsPerNode });
  }
  return out;
}

interface Deployment extends KubeObject {
  spec?: { replicas?: number };
  status?: { readyReplicas?: number; availableReplicas?: number };
}

async function scenario(numNodes: number, signal: AbortSignal): Promise<Figures> {
  const profile = (who: string) => (profileKind ? [`--${profileKind}-prof`, `--${profileKind}-prof-dir=${join(profileDir, `${String(numNodes)}-${who}`)}`] : []);
  let cluster: Cluster | undefined;
  const stop = new AbortController();
  const stopAll = () => stop.abort();
  signal.addEventListener('abort', stopAll, { once: true });
  const deps = plan(numNodes);
  const numPods = deps.reduce((s, d) => s + d.replicas, 0);
  const samples: Sample[] = [];
  try {
    let idle: Memory = { rssMB: Number.NaN, hwmMB: Number.NaN };
    cluster = await startCluster({ nodes: numNodes, clusterCIDR: params.clusterCIDR, nodeArgs: profile, idleWaitMs: params.idleWaitMs, userAgent: 'skiff-bench-density', signal: stop.signal, log }, (server) => {
      idle = memoryOf(server.child.pid ?? 0);
      log(`${String(numNodes)} nodes: server ready in ${String(Math.round(server.readyMs))} ms, idle RSS ${mb(idle)}`);
    });
    const c = cluster;
    const { server, hollow, api, ready, nodesReadyMs } = c;
    const serverPid = server.child.pid ?? 0;
    const hollowPid = hollow.child.pid ?? 0;
    const running: Promise<void>[] = [];
    const settleCpu = cpuSecondsOf(serverPid);
    await pause(params.settleMs, stop.signal);
    const idleNodesCpuShare = (cpuSecondsOf(serverPid) - settleCpu) / (params.settleMs / 1000);
    const nodesRegistered = memoryOf(serverPid);
    log(`  ${String(numNodes)} nodes Ready in ${(nodesReadyMs / 1000).toFixed(1)} s; idle nodes cost the server ${idleNodesCpuShare.toFixed(2)} cores; server RSS ${mb(nodesRegistered)}, hollow RSS ${mb(memoryOf(hollowPid))}`);

    for (const d of deps) await api.create(namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: d.namespace } });
    let allRunning: () => void = () => {};
    const done = new Promise<void>((resolve) => (allRunning = resolve));
    const tracker = new PodTracker(numPods, () => allRunning());
    const podInformer = new Informer(api, pods, { labelSelector: 'group=saturation' });
    podInformer.on({ add: (p) => tracker.observe(p), update: (_, p) => tracker.observe(p) });
    const depInformer = new Informer<Deployment>(api, deployments, { labelSelector: 'group=saturation' });
    running.push(podInformer.run(stop.signal), depInformer.run(stop.signal));
    await orAbort(Promise.all([podInformer.synced(), depInformer.synced()]), stop.signal);

    const loop = monitorEventLoopDelay({ resolution: 20 });
    loop.enable();
    const probes: number[] = [];
    let probeMax = 0;
    const probing = (async () => {
      while (!stop.signal.aborted) {
        const t = performance.now();
        try {
          await api.get(namespaces, '', 'default');
        } catch {
          // A failed probe counts with the time it took.
        }
        const ms = performance.now() - t;
        probes.push(ms);
        probeMax = Math.max(probeMax, ms);
        await sleep(Math.max(0, params.probeIntervalMs - ms), stop.signal);
      }
    })();
    const cpu0 = { server: cpuSecondsOf(serverPid), hollow: cpuSecondsOf(hollowPid), bench: process.cpuUsage() };
    const start = performance.now();
    const sampler = setInterval(() => {
      const c = tracker.counts;
      const s: Sample = {
        s: round((performance.now() - start) / 1000, 1),
        ...c,
        nodesReady: ready.size,
        serverRssMB: round(memoryOf(serverPid).rssMB, 0),
        hollowRssMB: round(memoryOf(hollowPid).rssMB, 0),
        serverCpuS: round(cpuSecondsOf(serverPid) - cpu0.server, 1),
        hollowCpuS: round(cpuSecondsOf(hollowPid) - cpu0.hollow, 1),
        probeMaxMs: round(probeMax, 0),
      };
      probeMax = 0;
      samples.push(s);
      log(`  ${String(s.s)} s: seen ${String(s.seen)}, bound ${String(s.bound)}, running ${String(s.running)} / ${String(numPods)}; ${String(s.nodesReady)} nodes Ready; server ${String(s.serverRssMB)} MB ${String(s.serverCpuS)} cpu-s, hollow ${String(s.hollowRssMB)} MB ${String(s.hollowCpuS)} cpu-s; probe max ${String(s.probeMaxMs)} ms`);
    }, params.sampleIntervalMs);

    let error: string | undefined;
    try {
      await Promise.all(deps.map((d) => api.create(deployments, d.namespace, deployment(d.name, d.namespace, d.replicas))));
      const timeoutMs = (timeoutSeconds ?? Math.max(numPods / params.passPodsPerSecond + params.passSlackSeconds, params.hardTimeoutSeconds)) * 1000;
      await Promise.race([done, until(() => false, timeoutMs, stop.signal, `${String(numPods)} Running pods`), until(() => !c.alive(), timeoutMs, stop.signal, 'the end').then(() => {
        throw new Error(`a process exited: server ${String(server.child.exitCode)}, hollow ${String(hollow.child.exitCode)}`);
      })]);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      log(`  ! ${error}`);
    } finally {
      clearInterval(sampler);
    }
    const end = performance.now();
    const completed = error === undefined;
    const allRunningMs = completed ? tracker.lastRunningAt - start : end - start;
    const cpu = {
      server: round(cpuSecondsOf(serverPid) - cpu0.server, 1),
      hollow: round(cpuSecondsOf(hollowPid) - cpu0.hollow, 1),
      bench: round((process.cpuUsage(cpu0.bench).user + process.cpuUsage(cpu0.bench).system) / 1e6, 1),
    };
    const endMemory = memoryOf(serverPid);
    const heapUsedMB = await api.text('/metrics').then((t) => Number(/^nodejs_heap_size_used_bytes (\d+)$/m.exec(t)?.[1]) / 1024 / 1024, () => Number.NaN);
    // The Deployments' own view catches up a little later (ReplicaSet status, then Deployment status).
    const depsReady = () => depInformer.list().length === deps.length && depInformer.list().every((d) => (d.status?.availableReplicas ?? 0) >= (d.spec?.replicas ?? 1));
    let deploymentsReadyMs = Number.NaN;
    if (completed) {
      try {
        await until(depsReady, 120_000, stop.signal, 'Deployments to report every replica available');
        deploymentsReadyMs = performance.now() - start;
      } catch (err) {
        log(`  ! ${String(err)}`);
      }
    }
    loop.disable();
    stop.abort();
    await Promise.allSettled([...running, probing]);
    const lat = tracker.latencies(start);
    const counts = tracker.counts;
    return {
      nodes: numNodes,
      pods: numPods,
      running: counts.running,
      deployments: deps.length,
      completed,
      serverReadyMs: round(server.readyMs, 0),
      nodesReadyMs: round(nodesReadyMs, 0),
      idleNodesServerCores: round(idleNodesCpuShare, 2),
      allRunningMs: round(allRunningMs, 0),
      podsPerSecond: round((counts.running * 1000) / allRunningMs, 1),
      msPerPod: round(allRunningMs / Math.max(1, counts.running), 3),
      deploymentsReadyMs: round(deploymentsReadyMs, 0),
      seenToBound: summarize(lat.toBound),
      boundToRunning: summarize(lat.boundToRunning),
      seenToRunning: summarize(lat.toRunning),
      firstCreateToRunning: summarize(lat.sinceToRunning),
      probe: summarize(probes),
      benchLoopDelayP99Ms: round(loop.percentile(99) / 1e6, 1),
      memory: { idle, nodesRegistered, end: endMemory, hollowEnd: memoryOf(hollowPid), bench: { rssMB: process.memoryUsage.rss() / 1024 / 1024, hwmMB: Number.NaN } },
      // Per pod that exists (all of them, unless the run did not finish).
      rssPerPodKB: round(((endMemory.rssMB - nodesRegistered.rssMB) * 1024) / Math.max(1, counts.seen), 2),
      heapUsedMB: round(heapUsedMB, 0),
      heapPerPodKB: round((heapUsedMB * 1024) / Math.max(1, counts.seen), 2),
      cpuSeconds: cpu,
      sqliteMB: round(c.sqliteBytes() / 1024 / 1024, 1),
      samples,
      ...(error === undefined ? {} : { error: `${error} (seen ${String(counts.seen)}, bound ${String(counts.bound)}, running ${String(counts.running)} of ${String(numPods)})` }),
    };
  } finally {
    stop.abort();
    signal.removeEventListener('abort', stopAll);
    await cluster?.stop();
  }
}

const interrupted = new AbortController();
for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => interrupted.abort());
/** Read through a call: an await may have changed it. */
const wasInterrupted = (): boolean => interrupted.signal.aborted;

const results: Figures[] = [];
const failures: { nodes: number; error: string }[] = [];
for (const n of nodeCounts) {
  if (wasInterrupted()) break;
  try {
    results.push(await scenario(n, interrupted.signal));
  } catch (err) {
    const error = wasInterrupted() ? 'interrupted' : err instanceof Error ? (err.stack ?? err.message) : String(err);
    failures.push({ nodes: n, error });
    log(`${String(n)} nodes: ${error}`);
    process.exitCode = 1;
    break;
  }
}
if (wasInterrupted()) process.exitCode = 130;

const rows: Row[] = [];
for (const f of results) {
  const section = `${String(f.nodes)} nodes × ${String(params.podsPerNode)} pods`;
  const passS = f.pods / params.passPodsPerSecond + params.passSlackSeconds;
  rows.push(row(section, `nodes Ready (${String(f.nodes)})`, f.nodesReadyMs / 1000, 's'));
  rows.push(row(section, 'server CPU with idle nodes (Leases)', f.idleNodesServerCores, 'cores'));
  const all = row(section, `all ${String(f.pods)} pods Running${f.completed ? '' : ` (DID NOT FINISH: ${String(f.running)} Running)`}`, f.allRunningMs / 1000, 's', { op: '<=', value: passS });
  rows.push({ ...all, met: f.completed && all.met === true });
  rows.push(row(section, 'pods Running per second', f.podsPerSecond, 'pods/s'));
  rows.push(row(section, 'time per pod', f.msPerPod, 'ms'));
  rows.push(row(section, 'Deployments all available', f.deploymentsReadyMs / 1000, 's'));
  rows.push(row(section, 'pod seen → Running p50', f.seenToRunning.p50Ms, 'ms'));
  rows.push(row(section, 'pod seen → Running p99', f.seenToRunning.p99Ms, 'ms'));
  rows.push(row(section, 'pod seen → bound p99', f.seenToBound.p99Ms, 'ms'));
  rows.push(row(section, 'pod bound → Running p99', f.boundToRunning.p99Ms, 'ms'));
  rows.push(row(section, 'API probe (GET namespace) p99', f.probe.p99Ms, 'ms'));
  rows.push(row(section, 'API probe max', f.probe.maxMs, 'ms'));
  rows.push(row(section, 'server RSS idle', f.memory.idle.rssMB, 'MB'));
  rows.push(row(section, 'server RSS, nodes registered', f.memory.nodesRegistered.rssMB, 'MB'));
  rows.push(row(section, 'server RSS at the end', f.memory.end.rssMB, 'MB'));
  rows.push(row(section, 'server peak RSS (VmHWM)', f.memory.end.hwmMB, 'MB'));
  rows.push(row(section, 'server RSS per pod', f.rssPerPodKB, 'KB'));
  rows.push(row(section, 'server V8 heap used at the end', f.heapUsedMB, 'MB'));
  rows.push(row(section, 'server V8 heap used per pod', f.heapPerPodKB, 'KB'));
  rows.push(row(section, 'server RSS end / idle', round(f.memory.end.rssMB / f.memory.idle.rssMB, 2), '×'));
  rows.push(row(section, 'hollow RSS at the end', f.memory.hollowEnd.rssMB, 'MB'));
  rows.push(row(section, 'server CPU per 1000 pods Running', round((f.cpuSeconds.server * 1000) / Math.max(1, f.running), 2), 's'));
  rows.push(row(section, 'hollow CPU per 1000 pods Running', round((f.cpuSeconds.hollow * 1000) / Math.max(1, f.running), 2), 's'));
  rows.push(row(section, 'bench CPU per 1000 pods Running', round((f.cpuSeconds.bench * 1000) / Math.max(1, f.running), 2), 's'));
  rows.push(row(section, 'SQLite size (db + wal)', f.sqliteMB, 'MB'));
}
const base = results[0];
const ratios: Record<string, number> = {};
for (const f of results.slice(1)) {
  if (!base) break;
  const section = `${String(f.nodes)} / ${String(base.nodes)} nodes`;
  ratios[`msPerPod${String(f.nodes)}to${String(base.nodes)}`] = round(f.msPerPod / base.msPerPod, 2);
  ratios[`rssPerPod${String(f.nodes)}to${String(base.nodes)}`] = round(f.rssPerPodKB / base.rssPerPodKB, 2);
  rows.push(row(section, 'time per pod', round(f.msPerPod / base.msPerPod, 2), '×'));
  rows.push(row(section, 'server RSS per pod', round(f.rssPerPodKB / base.rssPerPodKB, 2), '×'));
  rows.push(row(section, 'server CPU per pod Running', round(f.cpuSeconds.server / Math.max(1, f.running) / (base.cpuSeconds.server / Math.max(1, base.running)), 2), '×'));
  rows.push(row(section, 'server RSS at the end', round(f.memory.end.rssMB / base.memory.end.rssMB, 2), '×'));
}
console.log(table(rows));

// An interrupted run is not a result.
if (wasInterrupted()) process.exit();
const out = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'bench', 'results');
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, 'density.json'),
  `${JSON.stringify({ date: new Date().toISOString(), machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? '', memoryBytes: totalmem(), node: process.version, loadavg: loadavg() }, params, results, failures, ratios, rows }, null, 2)}\n`,
);
