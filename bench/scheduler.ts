/**
 * The scheduler benchmark (issue 4): pods scheduled per second and the p99
 * latency from a pod's create request to its binding, on 1,000 and 5,000
 * hollow nodes with 10,000 and 30,000 pods, and the scheduler's own cost per
 * pod (filter and score, read from the server's `/metrics` as upstream's
 * `scheduler_scheduling_algorithm_duration_seconds`) at 5,000 nodes against
 * a 500-node baseline in the same run: the ratio shows whether node
 * sampling keeps the cost flat.
 *
 * Everything runs as a user would run it, in separate processes on this
 * machine: `skiff server --runtime fake --disable-agent` (API server,
 * scheduler, controller manager), one `skiff hollow --nodes N` (the nodes
 * renew their Leases and run the pods bound to them), and this process,
 * which creates bare pods (as upstream's scheduler_perf does), 32 requests
 * in flight, and watches them with an informer. Prints a table and writes
 * bench/results/scheduler.json (scheduler-custom.json when BENCH_SCALE or
 * BENCH_SCENARIOS change the scenarios).
 *
 * @example
 * npm run bench:scheduler                    # 500, 1,000 and 5,000 nodes
 * BENCH_SCALE=0.1 npm run bench:scheduler    # a tenth of the pods, same nodes
 * BENCH_SCENARIOS=500:5000,5000:30000 npm run bench:scheduler   # NODES:PODS pairs
 * BENCH_PROFILE_DIR=/tmp/prof npm run bench:scheduler   # --cpu-prof the server and hollow
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { pods } from '../src/api/core/index.js';
import type { KubeObject } from '../src/api/meta.js';
import { Informer, keyOf, type Client } from '../src/client/index.js';
import { orAbort, startCluster, until, type Cluster } from './lib/cluster.js';
import { cpuSecondsOf, memoryOf } from './lib/proc.js';
import { row, table, type Row } from './lib/report.js';
import { perSecond, round, summarize, type Summary } from './lib/stats.js';

const scale = Number(process.env.BENCH_SCALE ?? '1');
const scaled = (n: number) => Math.max(1, Math.round(n * scale));
const profileDir = process.env.BENCH_PROFILE_DIR;

const params = {
  scale,
  scenarios: process.env.BENCH_SCENARIOS
    ? process.env.BENCH_SCENARIOS.split(',').map((s) => ({ nodes: Number(s.split(':')[0]), pods: scaled(Number(s.split(':')[1])) }))
    : [
        { nodes: 500, pods: scaled(5000) },
        { nodes: 1000, pods: scaled(10000) },
        { nodes: 5000, pods: scaled(30000) },
      ],
  createConcurrency: 32,
  pod: 'bare pod, one container, requests 100m CPU and 128Mi, no affinity',
  node: 'skiff hollow defaults: 4 CPU, 16Gi, 110 pods, Lease renewed every 10 s',
  clusterCIDR: '10.0.0.0/8',
  target: { nodes: 5000, podsPerSecond: 500 },
  processes: 'skiff server (SQLite), skiff hollow, and this process creating and watching pods',
};

interface Figures {
  nodes: number;
  pods: number;
  nodesReadyMs: number;
  podsPerSecond: number;
  createsPerSecond: number;
  latency: Summary;
  /** From the server's /metrics: mean filter+score time per attempt, and attempts. */
  algorithmMsPerPod: number;
  attempts: number;
  cpuMsPerPod: { server: number; hollow: number; bench: number };
  serverRssMB: number;
}

const log = (m: string) => process.stderr.write(`${m}\n`);

const pod = (i: number): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `pod-${String(i).padStart(6, '0')}`, namespace: 'default', labels: { app: 'bench' } },
  spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu: '100m', memory: '128Mi' } } }] },
});

/** Run `n` jobs with at most `width` in flight. */
async function pool(n: number, width: number, job: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await job(next++);
  }));
}

/** The scheduler's algorithm histogram (sum in seconds, count) from the server's /metrics. */
async function algorithmMetric(api: Client): Promise<{ sum: number; count: number }> {
  const text = await api.text('/metrics');
  const value = (suffix: string) => Number(new RegExp(`^scheduler_scheduling_algorithm_duration_seconds_${suffix} (\\S+)$`, 'm').exec(text)?.[1] ?? '0');
  return { sum: value('sum'), count: value('count') };
}

async function scenario(numNodes: number, numPods: number, signal: AbortSignal): Promise<Figures> {
  const stop = new AbortController();
  const stopAll = () => stop.abort();
  signal.addEventListener('abort', stopAll, { once: true });
  const nodeArgs = (who: string) => (profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, `${String(numNodes)}-${who}`)}`] : []);
  let cluster: Cluster | undefined;
  try {
    cluster = await startCluster({ nodes: numNodes, clusterCIDR: params.clusterCIDR, nodeArgs, userAgent: 'skiff-bench-scheduler', signal: stop.signal, log });
    const c = cluster;
    const { api, server, hollow } = c;
    log(`${String(numNodes)} nodes Ready in ${(c.nodesReadyMs / 1000).toFixed(1)} s`);
    const created = new Map<string, number>();
    const latencies: number[] = [];
    let lastBound = 0;
    const informer = new Informer(api, pods, { labelSelector: 'app=bench' });
    const observe = (p: KubeObject) => {
      const key = keyOf(p);
      const t = created.get(key);
      if (t === undefined || !(p.spec as { nodeName?: string } | undefined)?.nodeName) return;
      created.delete(key);
      lastBound = performance.now();
      latencies.push(lastBound - t);
    };
    informer.on({ add: observe, update: (_, p) => observe(p) });
    const watching = informer.run(stop.signal);
    await orAbort(informer.synced(), stop.signal);
    const before = await algorithmMetric(api);
    const pids = { server: server.child.pid ?? 0, hollow: hollow.child.pid ?? 0 };
    const cpu0 = { server: cpuSecondsOf(pids.server), hollow: cpuSecondsOf(pids.hollow), bench: process.cpuUsage() };
    const start = performance.now();
    let lastCreate = 0;
    await pool(numPods, params.createConcurrency, async (i) => {
      const p = pod(i);
      created.set(`default/${p.metadata.name ?? ''}`, performance.now());
      await api.create(pods, 'default', p);
      lastCreate = performance.now();
    });
    await until(() => latencies.length >= numPods || !c.alive(), Math.max(600_000, numPods * 20), stop.signal, `${String(numPods)} bound pods`);
    if (!c.alive()) throw new Error('a process exited');
    const bench = process.cpuUsage(cpu0.bench);
    const cpuMs = (s: number) => round((s * 1000) / numPods, 3);
    const cpuMsPerPod = { server: cpuMs(cpuSecondsOf(pids.server) - cpu0.server), hollow: cpuMs(cpuSecondsOf(pids.hollow) - cpu0.hollow), bench: cpuMs((bench.user + bench.system) / 1e6) };
    const after = await algorithmMetric(api);
    const attempts = after.count - before.count;
    stop.abort();
    await watching;
    return {
      nodes: numNodes,
      pods: numPods,
      nodesReadyMs: round(c.nodesReadyMs, 0),
      podsPerSecond: perSecond(numPods, lastBound - start),
      createsPerSecond: perSecond(numPods, lastCreate - start),
      latency: summarize(latencies),
      algorithmMsPerPod: round(((after.sum - before.sum) * 1000) / Math.max(1, attempts), 3),
      attempts,
      cpuMsPerPod,
      serverRssMB: round(memoryOf(pids.server).rssMB, 0),
    };
  } finally {
    stop.abort();
    signal.removeEventListener('abort', stopAll);
    await cluster?.stop();
  }
}

const interrupted = new AbortController();
for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => interrupted.abort());

const results: Figures[] = [];
for (const s of params.scenarios) {
  if (interrupted.signal.aborted) break;
  const f = await scenario(s.nodes, s.pods, interrupted.signal);
  results.push(f);
  log(`${String(s.nodes)} nodes, ${String(s.pods)} pods: ${String(f.podsPerSecond)} pods/s (created ${String(f.createsPerSecond)}/s), p99 ${String(f.latency.p99Ms)} ms, ${String(f.algorithmMsPerPod)} ms/pod in filter+score; CPU ms/pod server ${String(f.cpuMsPerPod.server)}, hollow ${String(f.cpuMsPerPod.hollow)}, bench ${String(f.cpuMsPerPod.bench)}`);
}
if (interrupted.signal.aborted) process.exit(130);

const rows: Row[] = [];
for (const f of results) {
  const section = `${String(f.nodes)} nodes × ${String(f.pods)} pods`;
  const target = f.nodes === params.target.nodes ? { op: '>=' as const, value: params.target.podsPerSecond } : undefined;
  rows.push(row(section, 'pods scheduled per second', f.podsPerSecond, 'pods/s', target));
  rows.push(row(section, 'pod creates per second (offered load)', f.createsPerSecond, 'pods/s'));
  rows.push(row(section, 'create → bound p50', f.latency.p50Ms, 'ms'));
  rows.push(row(section, 'create → bound p99', f.latency.p99Ms, 'ms'));
  rows.push(row(section, 'filter+score per pod (server /metrics)', f.algorithmMsPerPod, 'ms'));
  rows.push(row(section, 'server CPU per pod', f.cpuMsPerPod.server, 'ms'));
  rows.push(row(section, 'hollow CPU per pod', f.cpuMsPerPod.hollow, 'ms'));
  rows.push(row(section, 'bench (creator) CPU per pod', f.cpuMsPerPod.bench, 'ms'));
  rows.push(row(section, 'server RSS at the end', f.serverRssMB, 'MB'));
}
const at = (n: number) => results.find((r) => r.nodes === n)?.algorithmMsPerPod ?? Number.NaN;
const ratio = round(at(5000) / at(500), 2);
rows.push(row('sampling', 'filter+score per pod, 5000 nodes / 500 nodes', ratio, '×'));
console.log(table(rows));

const out = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'bench', 'results');
mkdirSync(out, { recursive: true });
// Only the default scenarios at full scale are the recorded result.
const file = scale === 1 && !process.env.BENCH_SCENARIOS ? 'scheduler.json' : 'scheduler-custom.json';
writeFileSync(join(out, file), `${JSON.stringify({ date: new Date().toISOString(), machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? '', memoryBytes: totalmem(), node: process.version, loadavg: loadavg() }, params, results, costRatio5000to500: ratio, rows }, null, 2)}\n`);
