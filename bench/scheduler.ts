/**
 * The scheduler benchmark (issue 4): pods scheduled per second and the p99
 * latency from a pod's create request to its binding, on 1,000 and 5,000
 * nodes with 10,000 and 30,000 pods, and the scheduler's own cost per pod
 * (filtering and scoring) at 5,000 nodes against 500 nodes in the same run:
 * the ratio shows whether node sampling keeps the cost flat. The API
 * server, the scheduler and the pod creators share this one process; nodes
 * are plain Node objects (Ready, 32 CPU, 128 GiB, 110 pods). Prints a table
 * and writes bench/results/scheduler.json.
 *
 * @example
 * npm run bench:scheduler          # BENCH_SCALE=0.1 npm run bench:scheduler for a quick run
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodes, pods } from '../src/api/core/index.js';
import type { KubeObject } from '../src/api/meta.js';
import { Client, credentialsFromKubeconfig } from '../src/client/index.js';
import { runSchedulerLoop } from '../src/scheduler/index.js';
import { startTestAPIServer } from '../test/support/apiserver.js';
import { row, table, type Row } from './lib/report.js';
import { perSecond, round, summarize, type Summary } from './lib/stats.js';

const scale = Number(process.env.BENCH_SCALE ?? '1');
const scaled = (n: number) => Math.max(1, Math.round(n * scale));

const params = {
  scale,
  scenarios: [
    { nodes: 500, pods: scaled(5000) },
    { nodes: 1000, pods: scaled(10000) },
    { nodes: 5000, pods: scaled(30000) },
  ],
  createConcurrency: 32,
  pod: 'one container, requests 100m CPU and 128Mi, no affinity',
  node: 'Ready, allocatable 32 CPU / 128Gi / 110 pods, 4 zones',
  process: 'API server (SQLite), scheduler and pod creators in one Node.js process',
};

const node = (i: number): KubeObject => {
  const name = `node-${String(i).padStart(5, '0')}`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `zone-${String(i % 4)}` } },
    status: { allocatable: { cpu: '32', memory: '128Gi', pods: '110' }, capacity: { cpu: '32', memory: '128Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
  };
};

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

interface Figures {
  nodes: number;
  pods: number;
  podsPerSecond: number;
  createsPerSecond: number;
  latency: Summary;
  algorithmMsPerPod: number;
  attempts: number;
}

async function scenario(numNodes: number, numPods: number): Promise<Figures> {
  const api = await startTestAPIServer();
  const client = new Client(credentialsFromKubeconfig(api.kubeconfig), { maxSockets: 64 });
  const schedClient = new Client(credentialsFromKubeconfig(api.kubeconfig), { userAgent: 'kube-scheduler', maxSockets: 64 });
  const stop = new AbortController();
  try {
    await pool(numNodes, params.createConcurrency, (i) => client.create(nodes, '', node(i)));
    const created = new Map<string, number>();
    const latencies: number[] = [];
    let lastBound = 0;
    let allBound: () => void = () => {};
    const done = new Promise<void>((resolve) => (allBound = resolve));
    const stats = { attempts: 0, algorithmMs: 0 };
    const running = runSchedulerLoop(
      {
        client: schedClient,
        stats,
        onBound: (p) => {
          const t = performance.now();
          const c = created.get(p.metadata.name ?? '');
          if (c !== undefined) latencies.push(t - c);
          lastBound = t;
          if (latencies.length === numPods) allBound();
        },
      },
      stop.signal,
    );
    // Let the scheduler's informers sync on the nodes before pods arrive.
    await new Promise((r) => setTimeout(r, 500));
    const start = performance.now();
    let lastCreate = 0;
    await pool(numPods, params.createConcurrency, async (i) => {
      const name = `pod-${String(i).padStart(6, '0')}`;
      created.set(name, performance.now());
      await client.create(pods, 'default', pod(i));
      lastCreate = performance.now();
    });
    await done;
    stop.abort();
    await running;
    return {
      nodes: numNodes,
      pods: numPods,
      podsPerSecond: perSecond(numPods, lastBound - start),
      createsPerSecond: perSecond(numPods, lastCreate - start),
      latency: summarize(latencies),
      algorithmMsPerPod: round(stats.algorithmMs / Math.max(1, stats.attempts), 3),
      attempts: stats.attempts,
    };
  } finally {
    stop.abort();
    client.close();
    schedClient.close();
    await api.stop();
  }
}

const results: Figures[] = [];
for (const s of params.scenarios) {
  const f = await scenario(s.nodes, s.pods);
  results.push(f);
  console.error(`${String(s.nodes)} nodes, ${String(s.pods)} pods: ${String(f.podsPerSecond)} pods/s, p99 ${String(f.latency.p99Ms)} ms, ${String(f.algorithmMsPerPod)} ms/pod in filter+score`);
}

const rows: Row[] = [];
for (const f of results) {
  const section = `${String(f.nodes)} nodes × ${String(f.pods)} pods`;
  rows.push(row(section, 'pods scheduled per second', f.podsPerSecond, 'pods/s', f.nodes === 5000 ? { op: '>=', value: 500 } : undefined));
  rows.push(row(section, 'pod creates per second (offered load)', f.createsPerSecond, 'pods/s'));
  rows.push(row(section, 'create → bound p50', f.latency.p50Ms, 'ms'));
  rows.push(row(section, 'create → bound p99', f.latency.p99Ms, 'ms'));
  rows.push(row(section, 'filter+score per pod', f.algorithmMsPerPod, 'ms'));
}
const at = (n: number) => results.find((r) => r.nodes === n)?.algorithmMsPerPod ?? Number.NaN;
const ratio = round(at(5000) / at(500), 2);
rows.push(row('sampling', 'cost per pod, 5000 nodes / 500 nodes', ratio, '×'));
console.log(table(rows));

const out = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'bench', 'results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'scheduler.json'), `${JSON.stringify({ date: new Date().toISOString(), machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? '', memoryBytes: totalmem(), node: process.version }, params, results, costRatio5000to500: ratio, rows }, null, 2)}\n`);
