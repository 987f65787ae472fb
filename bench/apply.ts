/**
 * The apply benchmark (issue 3): `kubectl apply` of 1,000 objects against
 * `kubectl create` of as many in the same run (the baseline), a re-apply of
 * the unchanged set, `kubectl apply --server-side` of the set, and
 * server-side apply patches per second against plain updates (PUT) of the
 * same objects at the same concurrency. Prints a table and writes
 * bench/results/apply.json.
 *
 * @example
 * npm run bench:apply        # BENCH_SCALE=0.2 npm run bench:apply for a quick run
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestAPIServer } from '../test/support/apiserver.js';
import { kubectlPath } from '../test/support/kubectl.js';
import { startLoad, type PlannedRequest } from './lib/load.js';
import { row, table, type Row } from './lib/report.js';
import { medianTrial, phase, round, type Phase } from './lib/stats.js';

const scale = Number(process.env.BENCH_SCALE ?? '1');
const scaled = (n: number) => Math.max(1, Math.round(n * scale));

const params = {
  scale,
  objects: scaled(1000),
  /** Half ConfigMaps, half Deployments, in one multi-document file. */
  kinds: ['ConfigMap', 'Deployment'],
  writes: scaled(3000),
  writeObjects: 100,
  concurrency: 32,
  trials: 3,
  server: 'in-process startTestAPIServer on SQLite (main thread); kubectl a separate process; write clients a worker thread',
};

const log = (s: string) => {
  console.log(s);
};

function manifest(prefix: string, n: number): string {
  const docs: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `${prefix}-${String(i).padStart(4, '0')}`;
    if (i % 2 === 0) docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  labels: {app: bench}\ndata:\n  settings.yaml: |\n    replicas: 3\n    logLevel: info\n`);
    else
      docs.push(
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  labels: {app: bench}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n        ports: [{containerPort: 80}]\n        env: [{name: MODE, value: bench}]\n`,
      );
  }
  return docs.join('---\n');
}

/** Run kubectl on a manifest (not blocking: the server runs in this process); its wall time in ms. */
function timed(kubeconfig: string, args: string[], input: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(kubectlPath(), ['--kubeconfig', kubeconfig, ...args, '-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(performance.now() - t0);
      else reject(new Error(`kubectl ${args.join(' ')} exited ${String(code)}: ${stderr.slice(0, 500)}`));
    });
    child.stdin.end(input);
  });
}

const configMap = (name: string, value: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { app: 'bench' } }, data: { value } });

async function main(): Promise<number> {
  const started = new Date();
  const loadBefore = loadavg().map((l) => round(l));
  const api = await startTestAPIServer();
  const rows: Row[] = [];
  const results: Record<string, unknown> = {};
  try {
    const kc = api.kubeconfig;
    const n = params.objects;
    log(`kubectl: create, apply, re-apply and apply --server-side of ${String(n)} objects`);
    const createMs = await timed(kc, ['create'], manifest('created', n));
    const applyMs = await timed(kc, ['apply'], manifest('applied', n));
    const reapplyMs = await timed(kc, ['apply'], manifest('applied', n));
    const ssaMs = await timed(kc, ['apply', '--server-side'], manifest('ssa', n));
    const perSec = (ms: number) => round((n * 1000) / ms, 1);
    results.kubectl = { createMs: round(createMs), applyMs: round(applyMs), reapplyMs: round(reapplyMs), serverSideApplyMs: round(ssaMs) };
    rows.push(
      row('kubectl', `create -f (${String(n)} objects, baseline)`, perSec(createMs), 'obj/s'),
      row('kubectl', `apply -f (${String(n)} objects, new)`, perSec(applyMs), 'obj/s'),
      row('kubectl', `apply -f again (unchanged)`, perSec(reapplyMs), 'obj/s'),
      row('kubectl', `apply --server-side -f (new)`, perSec(ssaMs), 'obj/s'),
      row('kubectl', 'apply ÷ create', round(createMs / applyMs, 3), 'ratio'),
      row('kubectl', 'apply --server-side ÷ create', round(createMs / ssaMs, 3), 'ratio'),
    );

    log(`writes: server-side apply patches against PUT updates, ${String(params.writes)} each over ${String(params.writeObjects)} ConfigMaps, ${String(params.concurrency)} clients`);
    // Each kind of write has objects of its own: a PUT's manager would otherwise own what the applies set (a conflict, as upstream).
    const name = (set: string, i: number) => `${set}-${String(i % params.writeObjects)}`;
    const path = (set: string, i: number) => `/api/v1/namespaces/default/configmaps/${name(set, i)}`;
    for (const set of ['put', 'ssa'])
      for (let i = 0; i < params.writeObjects; i++) {
        const r = await api.request('POST', '/api/v1/namespaces/default/configmaps', configMap(name(set, i), 'v'));
        if (r.status !== 201) throw new Error(`seeding: HTTP ${String(r.status)}: ${r.text}`);
      }
    const load = startLoad({ url: api.server.url, ca: api.server.caCert, cert: api.server.adminCert, key: api.server.adminKey });
    try {
      // Every write changes the value, so both kinds of write store a new revision.
      const puts = (trial: number): PlannedRequest[] =>
        Array.from({ length: params.writes }, (_, i) => ({ method: 'PUT', path: path('put', i), body: JSON.stringify(configMap(name('put', i), `put-${String(trial)}-${String(i)}`)) }));
      const applies = (trial: number): PlannedRequest[] =>
        Array.from({ length: params.writes }, (_, i) => ({
          method: 'PATCH',
          path: `${path('ssa', i)}?fieldManager=bench&force=true`,
          contentType: 'application/apply-patch+yaml',
          body: JSON.stringify(configMap(name('ssa', i), `ssa-${String(trial)}-${String(i)}`)),
        }));
      const run = async (requests: PlannedRequest[]): Promise<Phase> => {
        const r = await load.run({ op: 'requests', concurrency: params.concurrency, expect: 200, requests });
        return phase(requests.length, r.wallMs, r.latenciesMs, r.errors, r.firstError);
      };
      await run(puts(-1).slice(0, 300));
      await run(applies(-1).slice(0, 300));
      const putTrials: Phase[] = [];
      const ssaTrials: Phase[] = [];
      // Interleaved, so that drift on the machine touches both alike.
      for (let t = 0; t < params.trials; t++) {
        putTrials.push(await run(puts(t)));
        ssaTrials.push(await run(applies(t)));
      }
      const put = medianTrial(putTrials);
      const ssa = medianTrial(ssaTrials);
      if (put.errors || ssa.errors) throw new Error(`write errors: PUT ${String(put.errors)} (${put.firstError ?? ''}), apply ${String(ssa.errors)} (${ssa.firstError ?? ''})`);
      results.writes = { put, serverSideApply: ssa, applyOverPut: round(ssa.perSecond / put.perSecond, 3) };
      rows.push(
        row('writes', 'PUT update (baseline)', put.perSecond, 'req/s'),
        row('writes', 'server-side apply patch', ssa.perSecond, 'req/s'),
        row('writes', 'apply ÷ PUT', round(ssa.perSecond / put.perSecond, 3), 'ratio'),
        row('writes', 'PUT p99', round(put.p99Ms, 1), 'ms'),
        row('writes', 'apply p99', round(ssa.p99Ms, 1), 'ms'),
      );
    } finally {
      await load.close();
    }
  } finally {
    await api.stop();
  }

  log('');
  log(table(rows));
  const cpuList = cpus();
  const doc = {
    benchmark: 'apply',
    date: started.toISOString(),
    durationS: round((Date.now() - started.getTime()) / 1000, 1),
    machine: { cpus: cpuList.length, cpuModel: cpuList[0]?.model ?? '', node: process.version, totalMemoryMB: Math.round(totalmem() / 2 ** 20), loadAverageBefore: loadBefore, loadAverageAfter: loadavg().map((l) => round(l)) },
    parameters: params,
    results,
    figures: rows,
  };
  const out = fileURLToPath(new URL(`../../bench/results/${scale === 1 ? 'apply.json' : 'apply.partial.json'}`, import.meta.url));
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
  log(`wrote ${out}`);
  return 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
