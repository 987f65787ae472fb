/**
 * The pod start benchmark (issue 5): how long a pod takes from its create
 * request to Running on a real node, against the same pod started straight
 * through CRI on the same containerd in the same run, and how many pods one
 * node starts per second.
 *
 * A real `skiff server` (its default `--runtime containerd`: API server,
 * scheduler, controller manager and the embedded node with its own
 * containerd, in a temp data dir) with the busybox test image imported by
 * `skiff image import`. This process creates busybox `sleep 3600` pods
 * (imagePullPolicy IfNotPresent) and times each from the start of its
 * create request to its watch showing the pod Running and Ready; the
 * baseline is the same pod started through CRI directly (RunPodSandbox,
 * CreateContainer, StartContainer with the kubelet's own configs, through
 * the node's CNI bridge), timed around those three calls:
 * - one at a time, skiff's pod i then the direct pod i (so that both see the
 *   same load as the shared machine's drifts): latency p50/p99 and ratio;
 * - all at once: every skiff pod created together, pods/s from the first
 *   request to the last pod Running; the direct pods `directConcurrency` at
 *   a time (the kubelet's pod workers).
 * Where skiff's time goes is read from containerd's log (when it served
 * each CRI call) against the watch; with the sequential pods Running, the
 * server's and containerd's CPU while idle (the kubelet's 2 s resync), the
 * latency of the CRI calls each sync makes, and an API write → watch round
 * trip are measured too. BENCH_CRI_TRACE=1 counts the kubelet's CRI calls
 * per phase (grpc-js tracing in the server, which slows it: figures of such
 * a run are for the counts only). Prints a table and writes
 * bench/results/podstart.json.
 *
 * Needs root, containerd, runc, the CNI plugins and busybox-static, and the
 * node lock (one real node per machine):
 *
 * @example
 * flock /tmp/skiff-node.lock npm run bench:podstart
 * BENCH_PODS=20 flock /tmp/skiff-node.lock npm run bench:podstart   # a quick run
 * BENCH_CRI_TRACE=1 flock /tmp/skiff-node.lock npm run bench:podstart   # count the kubelet's CRI calls
 * BENCH_PROFILE_DIR=/tmp/prof flock /tmp/skiff-node.lock npm run bench:podstart   # --cpu-prof the server
 * BENCH_DIRECT_CONCURRENCY=100 flock /tmp/skiff-node.lock npm run bench:podstart   # the direct pods all at once
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { pods, services as servicesRef } from '../src/api/core/index.js';
import type { KubeObject } from '../src/api/meta.js';
import { Informer } from '../src/client/index.js';
import { serviceEnv, type EnvService } from '../src/kubelet/env.js';
import { pool, removeDirect, startDirect, type DirectRuntime, type DirectStart } from './lib/direct-cri.js';
import { breakdown, deletePods, LABEL, NAMESPACE, segments, sleeper, startPods, totals, type Breakdown, type PodTimeline } from './lib/podstart-skiff.js';
import { criCallCounts, criLatencies, idleCpu, watchRoundTrips } from './lib/podstart-probes.js';
import { PodWaits } from './lib/pod-waits.js';
import { cpuSecondsOf } from './lib/proc.js';
import { startRealNode } from './lib/realnode.js';
import { row, table, type Row } from './lib/report.js';
import { round, summarize, type Summary } from './lib/stats.js';

const count = Number(process.env.BENCH_PODS ?? '100');
const traceCri = process.env.BENCH_CRI_TRACE === '1';
/** BENCH_PROFILE_DIR=DIR runs the server under node's --cpu-prof, writing its profile to DIR when it stops. */
const profileDir = process.env.BENCH_PROFILE_DIR;
const params = {
  pods: count,
  warmupPods: 3,
  /** The kubelet's pod workers (BENCH_DIRECT_CONCURRENCY to try others). */
  directConcurrency: Number(process.env.BENCH_DIRECT_CONCURRENCY ?? '8'),
  idleMs: 10_000,
  criProbeCalls: 50,
  watchProbes: 20,
  pod: 'busybox (busybox-static test image) sleep 3600, imagePullPolicy IfNotPresent, image imported first',
  server: 'skiff server --runtime containerd (embedded node, its own containerd 1.6), its own process',
  direct: "this process's CRI client on the node's containerd: RunPodSandbox + CreateContainer + StartContainer with the kubelet's configs",
  traceCri,
  profiled: profileDir !== undefined,
};
const log = (m: string) => process.stderr.write(`${m}\n`);

/** CPU seconds the server and its containerd used over a phase, per pod started. */
interface CpuPerPod {
  readonly serverMs: number;
  readonly containerdMs: number;
}

interface SkiffPhase {
  readonly latency: Summary;
  readonly breakdown: Breakdown;
  /** First create request → last pod Running. */
  readonly wallMs: number;
  readonly podsPerSecond: number;
  readonly cpuPerPod: CpuPerPod;
  readonly deleteMs: number;
  /** Per pod, the kubelet's CRI calls of each kind from the first create to the last pod Running (BENCH_CRI_TRACE=1). */
  readonly criCalls?: Record<string, number>;
}

interface DirectPhase {
  readonly latency: Summary;
  readonly runPodSandbox: Summary;
  readonly createContainer: Summary;
  readonly startContainer: Summary;
  readonly wallMs: number;
  readonly podsPerSecond: number;
  readonly cpuPerPod: CpuPerPod;
}

/** Measured with the sequential pods (skiff's and the direct ones) Running. */
interface Held {
  readonly idleCpu: { serverCores: number; containerdCores: number };
  readonly criCallMs: Record<string, Summary>;
  readonly writeToWatch: Summary;
  readonly statusToWatch: Summary;
  /** The CRI calls of one pod's 2 s resync (BENCH_CRI_TRACE=1). */
  readonly criCallsPerPodResync?: Record<string, number>;
}

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i)}`);

const node = await (async () => {
  if (traceCri) Object.assign(process.env, { GRPC_TRACE: 'channel', GRPC_VERBOSITY: 'DEBUG' });
  try {
    return await startRealNode({ nodeName: 'podstart', log, nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] });
  } finally {
    delete process.env.GRPC_TRACE;
    delete process.env.GRPC_VERBOSITY;
  }
})();
const stop = new AbortController();
for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => stop.abort());
let results: Record<string, unknown> | undefined;
const rows: Row[] = [];
try {
  const { api, cri } = node;
  const waits = new PodWaits(stop.signal);
  const informer = new Informer(api, pods, { namespace: NAMESPACE, labelSelector: LABEL });
  informer.on({ add: (p) => waits.observe(p), update: (_, p) => waits.observe(p), delete: (p) => waits.gone(p) });
  const watching = informer.run(stop.signal);
  await informer.synced(stop.signal);
  const image = await cri.imageStatus({ image: node.image });
  if (!image) throw new Error(`${node.image} is not on the node after its import`);
  // The kubelet gives the container the service links of its namespace (and `default`): so does the baseline.
  const services = (await api.list<KubeObject & EnvService>(servicesRef, NAMESPACE)).items;
  const rt: DirectRuntime = { cri, dataDir: node.dataDir, cgroupRoot: '/skiff', imageRef: image.id, env: [...serviceEnv(services, NAMESPACE, true)] };
  const direct = (name: string) => startDirect(rt, name, 'direct', sleeper(node.image));
  const sandboxesLeft = async () => (await cri.listPodSandbox({ labelSelector: { bench: 'podstart' } })).length;
  const pids = { server: node.server.child.pid ?? 0, containerd: node.containerdPid() };
  const cpuNow = () => ({ server: cpuSecondsOf(pids.server), containerd: cpuSecondsOf(pids.containerd) });
  const cpuPerPod = (before: { server: number; containerd: number }): CpuPerPod => {
    const after = cpuNow();
    return { serverMs: round(((after.server - before.server) * 1000) / count, 1), containerdMs: round(((after.containerd - before.containerd) * 1000) / count, 1) };
  };
  const idleEmpty = await idleCpu(pids, params.idleMs, stop.signal);
  log(`node up; idle with no pods: server ${String(idleEmpty.serverCores)} cores, containerd ${String(idleEmpty.containerdCores)} cores`);

  // Warm-up, not counted: the first sandbox sets up the bridge, the first pod fills caches on both sides.
  const warm = names('warm', params.warmupPods);
  await startPods(api, waits, warm, node.image, node.containerdLog, false);
  await deletePods(api, waits, warm, sandboxesLeft);
  await removeDirect(rt, await pool(names('warm-direct', params.warmupPods), 1, direct));

  // One at a time, skiff's pod i then the direct pod i: both sides see the same load, as the machine's drifts.
  const seqNames = names('seq', count);
  const directSeq: DirectStart[] = [];
  const traced = node.server.logs().length;
  const seqCpu = cpuNow();
  const seqTimelines = await startPods(api, waits, seqNames, node.image, node.containerdLog, false, async (i) => { directSeq.push(await direct(`dseq-${String(i)}`)); });
  const seqCpuPerPod = cpuPerPod(seqCpu);
  const seqCriCalls = traceCri ? criCallCounts(node.server.logs().slice(traced), count) : undefined;
  log(`one at a time: ${String(count)} skiff and ${String(count)} direct pods Running`);

  // With them Running: what the kubelet's resync costs, what its per-sync CRI calls take, what a write → watch takes.
  const tracedIdle = node.server.logs().length;
  const idle = await idleCpu(pids, params.idleMs, stop.signal);
  // The kubelet resyncs every pod every 2 s: the calls of one pod's resync.
  const perResync = traceCri ? criCallCounts(node.server.logs().slice(tracedIdle), count * (params.idleMs / 2000)) : undefined;
  const held: Held = {
    idleCpu: idle,
    criCallMs: await criLatencies(cri, node.image, params.criProbeCalls),
    writeToWatch: await watchRoundTrips(api, informer, `${NAMESPACE}/${seqNames[0] ?? ''}`, params.watchProbes, 'annotation'),
    statusToWatch: await watchRoundTrips(api, informer, `${NAMESPACE}/${seqNames[1] ?? ''}`, params.watchProbes, 'status'),
    ...(perResync ? { criCallsPerPodResync: perResync } : {}),
  };
  log(`  ${String(2 * count)} pods idle: server ${String(idle.serverCores)} cores, containerd ${String(idle.containerdCores)} cores; write → watch p50 ${String(held.writeToWatch.p50Ms)} ms`);
  const seqDeleteMs = await deletePods(api, waits, seqNames, sandboxesLeft);
  await removeDirect(rt, directSeq);
  const wall = (ts: readonly PodTimeline[]) => Math.max(...ts.map((t) => t.running ?? Number.NaN)) - Math.min(...ts.map((t) => t.t0));
  const seqSegments = seqTimelines.map(segments).filter((x) => x !== undefined);
  const seq: SkiffPhase = {
    latency: summarize(totals(seqTimelines)), breakdown: breakdown(seqSegments), wallMs: round(wall(seqTimelines)), podsPerSecond: round((count * 1000) / wall(seqTimelines), 1),
    cpuPerPod: seqCpuPerPod, deleteMs: round(seqDeleteMs), ...(seqCriCalls ? { criCalls: seqCriCalls } : {}),
  };
  const dseq: DirectPhase = directFigures(directSeq, Number.NaN, { serverMs: Number.NaN, containerdMs: Number.NaN });

  // All at once: skiff's pods created together; the direct ones `directConcurrency` at a time.
  const burstNames = names('burst', count);
  const tracedBurst = node.server.logs().length;
  const burstCpu = cpuNow();
  const burstTimelines = await startPods(api, waits, burstNames, node.image, node.containerdLog, true);
  const burstCpuPerPod = cpuPerPod(burstCpu);
  const burstCriCalls = traceCri ? criCallCounts(node.server.logs().slice(tracedBurst), count) : undefined;
  log(`skiff: ${String(count)} pods at once Running in ${String(Math.round(wall(burstTimelines)))} ms`);
  const burstDeleteMs = await deletePods(api, waits, burstNames, sandboxesLeft);
  const burstSegments = burstTimelines.map(segments).filter((x) => x !== undefined);
  const all: SkiffPhase = {
    latency: summarize(totals(burstTimelines)), breakdown: breakdown(burstSegments), wallMs: round(wall(burstTimelines)), podsPerSecond: round((count * 1000) / wall(burstTimelines), 1),
    cpuPerPod: burstCpuPerPod, deleteMs: round(burstDeleteMs), ...(burstCriCalls ? { criCalls: burstCriCalls } : {}),
  };
  const dburstCpu = cpuNow();
  const t0 = performance.now();
  const dburstStarted = await pool(names('dburst', count), params.directConcurrency, direct);
  const dburst = directFigures(dburstStarted, performance.now() - t0, cpuPerPod(dburstCpu));
  log(`direct: ${String(count)} pods ${String(params.directConcurrency)} at a time started in ${String(Math.round(dburst.wallMs))} ms`);
  await removeDirect(rt, dburstStarted);
  stop.abort();
  await watching;

  const ratios = { p50: round(seq.latency.p50Ms / dseq.latency.p50Ms, 2), p99: round(seq.latency.p99Ms / dseq.latency.p99Ms, 2), podsPerSecond: round(all.podsPerSecond / dburst.podsPerSecond, 2) };
  results = { idleNoPods: idleEmpty, skiff: { sequential: seq, burst: all }, direct: { sequential: dseq, concurrent: dburst }, held, ratios, pods: { sequential: seqSegments, burst: burstSegments, directSequential: directSeq } };
  rows.push(...report(seq, all, dseq, dburst, ratios, idleEmpty, held));
} catch (err) {
  log(`! ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
} finally {
  stop.abort();
  await node.stop();
}
if (rows.length > 0) console.log(table(rows));
if (results) {
  // Only a default run is the result; a smaller or traced one goes beside it.
  const out = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, !traceCri && !profileDir && count === 100 && params.directConcurrency === 8 ? 'podstart.json' : 'podstart-custom.json'),
    `${JSON.stringify({ date: new Date().toISOString(), machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? '', memoryBytes: totalmem(), node: process.version, loadavg: loadavg() }, params, results, rows }, null, 2)}\n`,
  );
}

/** The figures of directly started pods, `wallMs` and the CPU being those of the whole phase. */
function directFigures(started: readonly DirectStart[], wallMs: number, cpu: CpuPerPod): DirectPhase {
  return {
    latency: summarize(started.map((s) => s.totalMs)),
    runPodSandbox: summarize(started.map((s) => s.runPodSandboxMs)),
    createContainer: summarize(started.map((s) => s.createContainerMs)),
    startContainer: summarize(started.map((s) => s.startContainerMs)),
    wallMs: round(wallMs),
    podsPerSecond: round((started.length * 1000) / wallMs, 1),
    cpuPerPod: cpu,
  };
}

/** The printed table. */
function report(seq: SkiffPhase, all: SkiffPhase, dseq: DirectPhase, dburst: DirectPhase, ratios: { p50: number; p99: number; podsPerSecond: number }, idleEmpty: Held['idleCpu'], held: Held): Row[] {
  const rows: Row[] = [];
  const n = String(count);
  const s = 'skiff', d = 'direct CRI', r = 'skiff / direct';
  rows.push(row(s, 'create → Running p50 (one at a time)', seq.latency.p50Ms, 'ms'), row(s, 'create → Running p99 (one at a time)', seq.latency.p99Ms, 'ms'));
  rows.push(row(s, `create → Running p50 (${n} at once)`, all.latency.p50Ms, 'ms'), row(s, `create → Running p99 (${n} at once)`, all.latency.p99Ms, 'ms'));
  rows.push(row(s, `${n} at once: all Running`, all.wallMs / 1000, 's'), row(s, 'pods started per second', all.podsPerSecond, 'pods/s'));
  rows.push(row(s, `server CPU per pod (${n} at once)`, all.cpuPerPod.serverMs, 'ms'), row(s, `containerd CPU per pod (${n} at once)`, all.cpuPerPod.containerdMs, 'ms'));
  rows.push(row(d, 'start p50 (one at a time)', dseq.latency.p50Ms, 'ms'), row(d, 'start p99 (one at a time)', dseq.latency.p99Ms, 'ms'));
  rows.push(row(d, `pods started per second (${String(params.directConcurrency)} at a time)`, dburst.podsPerSecond, 'pods/s'));
  rows.push(row(d, `containerd CPU per pod (${String(params.directConcurrency)} at a time)`, dburst.cpuPerPod.containerdMs, 'ms'));
  rows.push(row(r, 'p50', ratios.p50, '×', { op: '<=', value: 1.3 }), row(r, 'p99', ratios.p99, '×', { op: '<=', value: 1.3 }), row(r, 'pods per second', ratios.podsPerSecond, '×'));
  for (const [name, v] of Object.entries(seq.breakdown) as [string, Summary][]) rows.push(row('skiff, one at a time: p50 of', name, v.p50Ms, 'ms'));
  for (const [name, v] of [['runPodSandbox', dseq.runPodSandbox], ['createContainer', dseq.createContainer], ['startContainer', dseq.startContainer]] as const) rows.push(row('direct, one at a time: p50 of', name, v.p50Ms, 'ms'));
  for (const [name, v] of Object.entries(all.breakdown) as [string, Summary][]) rows.push(row(`skiff, ${n} at once: p50 of`, name, v.p50Ms, 'ms'));
  rows.push(row('idle', 'server CPU, no pods', idleEmpty.serverCores, 'cores'), row('idle', `server CPU, ${n} + ${n} pods Running`, held.idleCpu.serverCores, 'cores'));
  rows.push(row('idle', 'containerd CPU, no pods', idleEmpty.containerdCores, 'cores'), row('idle', `containerd CPU, ${n} + ${n} pods Running`, held.idleCpu.containerdCores, 'cores'));
  for (const [name, v] of Object.entries(held.criCallMs)) rows.push(row(`CRI call p50 (${n} + ${n} pods Running)`, name, v.p50Ms, 'ms'));
  rows.push(row('API', 'PATCH annotation → own watch event p50', held.writeToWatch.p50Ms, 'ms'), row('API', 'PATCH pods/status (strategic, whole status) → watch p50', held.statusToWatch.p50Ms, 'ms'));
  for (const [phase, calls] of [['one at a time', seq.criCalls], [`${n} at once`, all.criCalls], ['resync of a Running pod', held.criCallsPerPodResync]] as const) {
    for (const [name, v] of Object.entries(calls ?? {})) rows.push(row(`kubelet CRI calls per pod (${phase})`, name, v, ''));
  }
  return rows;
}
