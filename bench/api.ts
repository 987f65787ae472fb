/**
 * The API benchmark (issue 2): HTTPS create/get/list throughput and latency
 * of an in-process API server on SQLite and on a real etcd, the raw Store's
 * create throughput on the same backend, watch fan-out delay, and the idle
 * RSS and time to ready of a real `skiff server` process. Prints a table and
 * writes bench/results/api.json. Missed targets are marked, never fatal; a
 * phase that breaks is recorded and makes the exit code 1.
 *
 * @example
 * npm run bench              # BENCH_SCALE=0.2 npm run bench for a quick run
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestAPIServer, type TestAPIServer } from '../test/support/apiserver.js';
import { ETCD_BINARY, startEtcd, type EtcdProcess } from '../test/support/etcd.js';
import { startFloorServer } from './lib/floor.js';
import { startLoad, type Load, type PlannedRequest, type RequestsJob, type RequestsResult } from './lib/load.js';
import { row, table, type Row } from './lib/report.js';
import { measureServer, type ServerFigures } from './lib/skiff.js';
import { storeCreates, type Write } from './lib/store.js';
import { medianTrial, perSecond, phase, round, summarize, type Phase, type Summary } from './lib/stats.js';

type Backend = 'sqlite' | 'etcd';

const scale = Number(process.env.BENCH_SCALE ?? '1');
const scaled = (n: number) => Math.max(1, Math.round(n * scale));
/** Phases to run (BENCH_ONLY=sqlite,etcd,server; default all). */
const only = new Set((process.env.BENCH_ONLY ?? 'sqlite,etcd,server').split(','));

/** Every knob of the run; recorded in the results. */
const params = {
  scale,
  only: [...only],
  concurrency: 32,
  creates: { sqlite: scaled(5000), etcd: scaled(5000) },
  warmupRequests: scaled(500),
  /** Create phases (API and Store) run this many times on fresh names; the trial of median throughput is reported. */
  createTrials: 3,
  listNamespaceObjects: 100,
  lists: scaled(1000),
  watchers: 100,
  watchWrites: scaled(500),
  watchIntervalMs: 5,
  idleWaitMs: 3000,
  configMapDataBytes: 512,
  clients: 'a worker thread in the benchmark process (node:https, keep-alive Agent, maxSockets = concurrency)',
  server: 'in-process startTestAPIServer (main thread)',
};

/** A ConfigMap of about `configMapDataBytes` of data; names have one length so stored values do too. */
const nameOf = (i: number) => `cm-${String(i).padStart(6, '0')}`;
const configMap = (name: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels: { app: 'bench', tier: 'api' } },
    data: {
      'settings.yaml': `replicas: 3\nlogLevel: info\npayload: ${'x'.repeat(params.configMapDataBytes - 64)}\n`,
      mode: 'benchmark',
    },
  });

const cmPath = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;

function createsJob(ns: string, count: number, offset = 0): RequestsJob {
  const requests: PlannedRequest[] = [];
  for (let i = offset; i < offset + count; i++) requests.push({ method: 'POST', path: cmPath(ns), body: configMap(nameOf(i)) });
  return { op: 'requests', concurrency: params.concurrency, expect: 201, requests };
}

const getsJob = (ns: string, count: number, existing: number): RequestsJob => ({
  op: 'requests',
  concurrency: params.concurrency,
  expect: 200,
  requests: Array.from({ length: count }, (_, i) => ({ method: 'GET', path: `${cmPath(ns)}/${nameOf((i * 7919) % existing)}` })),
});

const listsJob = (ns: string, count: number, query: string): RequestsJob => ({
  op: 'requests',
  concurrency: params.concurrency,
  expect: 200,
  requests: Array.from({ length: count }, () => ({ method: 'GET', path: `${cmPath(ns)}${query}` })),
});

const fromRequests = (r: RequestsResult): Phase => phase(r.latenciesMs.length, r.wallMs, r.latenciesMs, r.errors, r.firstError);

/** What the watch fan-out measured. */
interface WatchFigures {
  readonly watchers: number;
  readonly writes: number;
  readonly intervalMs: number;
  readonly expected: number;
  readonly delivered: number;
  readonly duplicates: number;
  readonly deliveriesPerSecond: number;
  readonly delay: Summary;
  readonly writeLatency: Summary;
  readonly writeErrors: number;
  readonly writeSpanMs: number;
  readonly firstError?: string;
}

/** Everything measured on one backend. */
interface BackendFigures {
  readonly creates: number;
  readonly storedValueBytes: number;
  readonly apiCreate: Phase;
  readonly apiGet: Phase;
  readonly apiList: Phase;
  readonly apiListRV0: Phase;
  readonly listResponseBytes: number;
  readonly storeCreate: Phase;
  readonly apiOverStoreCreate: number;
  /** The same creates against a bare HTTPS server (TLS, HTTP and JSON only), and API ÷ it. */
  readonly httpsFloorCreate: ReturnType<typeof medianTrial>;
  readonly apiOverHttpsFloor: number;
  readonly watch: WatchFigures;
}

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

function check(r: RequestsResult, what: string): void {
  if (r.errors) log(`  ! ${what}: ${r.errors} errors, first: ${r.firstError ?? ''}`);
}

async function createNamespace(api: TestAPIServer, name: string): Promise<void> {
  const res = await api.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  if (res.status !== 201) throw new Error(`creating namespace ${name}: HTTP ${res.status}: ${res.text.slice(0, 300)}`);
}

async function listRevision(api: TestAPIServer, ns: string): Promise<string> {
  const res = await api.request('GET', cmPath(ns));
  const rv = (res.body as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
  if (res.status !== 200 || !rv) throw new Error(`listing ${ns}: HTTP ${res.status}: ${res.text.slice(0, 300)}`);
  return rv;
}

/** The API phases against an in-process server on `endpoint`; returns them and the stored form of one ConfigMap. */
async function apiPhases(backend: Backend, endpoint: string, n: number) {
  let api: TestAPIServer | undefined;
  let load: Load | undefined;
  try {
    api = await startTestAPIServer(endpoint ? { endpoint } : {});
    load = startLoad({ url: api.server.url, ca: api.server.caCert, cert: api.server.adminCert, key: api.server.adminKey });
    for (const ns of ['bench-warmup', 'bench', 'bench-list', 'bench-watch']) await createNamespace(api, ns);

    const warm = await load.run(createsJob('bench-warmup', params.warmupRequests));
    check(warm, 'warm-up creates');
    check(await load.run(getsJob('bench-warmup', params.warmupRequests, params.warmupRequests)), 'warm-up gets');

    const trials: Phase[] = [];
    for (let t = 0; t < params.createTrials; t++) {
      const creates = await load.run(createsJob('bench', n, t * n));
      check(creates, 'creates');
      trials.push(fromRequests(creates));
    }
    const apiCreate = medianTrial(trials);
    log(`  ${backend} API create: ${apiCreate.perSecond}/s (trials ${apiCreate.trialsPerSecond.join(', ')}) p50 ${apiCreate.p50Ms} ms p99 ${apiCreate.p99Ms} ms`);
    const httpsFloorCreate = await floorCreates(api.dataDir, n);
    log(`  ${backend} bare HTTPS create: ${httpsFloorCreate.perSecond}/s (trials ${httpsFloorCreate.trialsPerSecond.join(', ')}) p50 ${httpsFloorCreate.p50Ms} ms`);
    const gets = await load.run(getsJob('bench', n, n));
    check(gets, 'gets');
    const apiGet = fromRequests(gets);
    log(`  ${backend} API get: ${apiGet.perSecond}/s p50 ${apiGet.p50Ms} ms p99 ${apiGet.p99Ms} ms`);

    check(await load.run(createsJob('bench-list', params.listNamespaceObjects)), 'list namespace creates');
    const lists = await load.run(listsJob('bench-list', params.lists, ''));
    check(lists, 'lists');
    const apiList = fromRequests(lists);
    const listsRV0 = await load.run(listsJob('bench-list', params.lists, '?resourceVersion=0'));
    check(listsRV0, 'lists rv=0');
    const apiListRV0 = fromRequests(listsRV0);
    log(`  ${backend} API list: ${apiList.perSecond}/s, rv=0: ${apiListRV0.perSecond}/s`);
    const listed = await api.request('GET', cmPath('bench-list'));
    const items = (listed.body as { items?: unknown[] }).items?.length ?? 0;
    if (items !== params.listNamespaceObjects) log(`  ! the list namespace holds ${items} objects, not ${params.listNamespaceObjects}`);

    const rv = await listRevision(api, 'bench-watch');
    const objects = Array.from({ length: params.watchWrites }, (_, i) => ({ name: nameOf(i), body: configMap(nameOf(i)) }));
    const w = await load.run({
      op: 'watch',
      watchers: params.watchers,
      watchPath: `${cmPath('bench-watch')}?watch=true&resourceVersion=${rv}`,
      createPath: cmPath('bench-watch'),
      writerSockets: params.concurrency,
      intervalMs: params.watchIntervalMs,
      objects,
      drainMs: 15_000,
    });
    const watch: WatchFigures = {
      watchers: params.watchers,
      writes: objects.length,
      intervalMs: params.watchIntervalMs,
      expected: w.expected,
      delivered: w.delivered,
      duplicates: w.duplicates,
      deliveriesPerSecond: perSecond(Math.min(w.delivered, w.expected), w.spanMs),
      delay: summarize(w.delaysMs),
      writeLatency: summarize(w.writeLatenciesMs),
      writeErrors: w.writeErrors,
      writeSpanMs: round(w.writeSpanMs),
      ...(w.firstError === undefined ? {} : { firstError: w.firstError }),
    };
    if (w.delivered !== w.expected) log(`  ! watch: ${w.delivered} of ${w.expected} deliveries arrived`);
    if (w.writeErrors) log(`  ! watch writes: ${w.writeErrors} errors, first: ${w.firstError ?? ''}`);
    log(`  ${backend} watch: ${watch.deliveriesPerSecond} deliveries/s, delay p50 ${watch.delay.p50Ms} ms p99 ${watch.delay.p99Ms} ms`);

    const stored = await api.store.get(`/registry/configmaps/bench/${nameOf(0)}`);
    if (!stored) throw new Error('the first benchmark ConfigMap is not in the store');
    return { apiCreate, httpsFloorCreate, apiGet, apiList, apiListRV0, listResponseBytes: Math.round(lists.bytes / params.lists), watch, storedValue: stored.value };
  } finally {
    await load?.close();
    await api?.stop();
  }
}

/** The API's create trials replayed against a bare HTTPS server with the same certificates and clients. */
async function floorCreates(dataDir: string, n: number): Promise<ReturnType<typeof medianTrial>> {
  const floor = await startFloorServer(dataDir);
  const tls = (f: string) => readFileSync(join(dataDir, 'tls', f), 'utf8');
  const load = startLoad({ url: floor.url, ca: tls('ca.crt'), cert: tls('admin.crt'), key: tls('admin.key') });
  try {
    check(await load.run(createsJob('bench-warmup', params.warmupRequests)), 'bare HTTPS warm-up');
    const trials: Phase[] = [];
    for (let t = 0; t < params.createTrials; t++) {
      const r = await load.run(createsJob('bench', n, t * n));
      check(r, 'bare HTTPS creates');
      trials.push(fromRequests(r));
    }
    return medianTrial(trials);
  } finally {
    await load.close();
    await floor.close();
  }
}

/** Store writes like the API's: the stored form of ConfigMap 0 (`template`) renamed to each key's name. */
function storeWrites(prefix: string, count: number, template: string): Write[] {
  const first = `"name":"${nameOf(0)}"`;
  if (!template.includes(first)) throw new Error('the stored ConfigMap does not carry its name as expected');
  return Array.from({ length: count }, (_, i) => ({ key: `${prefix}${nameOf(i)}`, value: template.replace(first, `"name":"${nameOf(i)}"`) }));
}

async function runBackend(backend: Backend): Promise<BackendFigures> {
  const n = params.creates[backend];
  log(`${backend}: ${params.createTrials}×${n} creates (median trial reported), ${n} gets, ${params.lists}+${params.lists} lists of ${params.listNamespaceObjects}, ` +
    `${params.watchers} watchers × ${params.watchWrites} writes every ${params.watchIntervalMs} ms`);
  let etcd: EtcdProcess | undefined;
  let api: Awaited<ReturnType<typeof apiPhases>>;
  try {
    if (backend === 'etcd') etcd = await startEtcd();
    api = await apiPhases(backend, etcd?.endpoint ?? '', n);
  } finally {
    await etcd?.stop();
  }
  try {
    if (backend === 'etcd') etcd = await startEtcd();
    const warmup = storeWrites('/registry/configmaps/bench-warmup/', params.warmupRequests, api.storedValue);
    const trials = Array.from({ length: params.createTrials }, (_, t) => storeWrites(`/registry/configmaps/bench-${t}/`, n, api.storedValue));
    const storeCreate = medianTrial(await storeCreates(etcd?.endpoint ?? '', warmup, trials, params.concurrency));
    if (storeCreate.errors) log(`  ! store creates: ${storeCreate.errors} errors, first: ${storeCreate.firstError ?? ''}`);
    log(`  ${backend} Store create: ${storeCreate.perSecond}/s (trials ${storeCreate.trialsPerSecond.join(', ')}) p50 ${storeCreate.p50Ms} ms p99 ${storeCreate.p99Ms} ms`);
    const { storedValue, ...rest } = api;
    return {
      creates: n,
      storedValueBytes: Buffer.byteLength(storedValue),
      ...rest,
      storeCreate,
      apiOverStoreCreate: round(api.apiCreate.perSecond / storeCreate.perSecond, 3),
      apiOverHttpsFloor: round(api.apiCreate.perSecond / api.httpsFloorCreate.perSecond, 3),
    };
  } finally {
    await etcd?.stop();
  }
}

function backendRows(backend: Backend, f: BackendFigures): Row[] {
  const ops = (name: string, p: Phase) => [
    row(backend, `${name} /s`, p.perSecond, '/s'),
    row(backend, `${name} p50`, p.p50Ms, 'ms'),
    row(backend, `${name} p99`, p.p99Ms, 'ms'),
  ];
  return [
    ...ops(`API create (n=${f.creates}, median of ${params.createTrials})`, f.apiCreate),
    ...ops('API get', f.apiGet),
    ...ops(`API list ${params.listNamespaceObjects}`, f.apiList),
    ...ops(`API list ${params.listNamespaceObjects} rv=0`, f.apiListRV0),
    ...ops(`Store create (n=${f.creates}, median of ${params.createTrials})`, f.storeCreate),
    row(backend, 'API create / Store create', f.apiOverStoreCreate, '×', { op: '>=', value: 0.5 }),
    ...ops(`bare HTTPS create (n=${f.creates}, median of ${params.createTrials})`, f.httpsFloorCreate),
    row(backend, 'API create / bare HTTPS create', f.apiOverHttpsFloor, '×'),
    row(backend, `watch deliveries (${f.watch.watchers} watchers)`, f.watch.deliveriesPerSecond, '/s'),
    row(backend, 'watch delay p50', f.watch.delay.p50Ms, 'ms'),
    row(backend, 'watch delay p99', f.watch.delay.p99Ms, 'ms', { op: '<=', value: 50 }),
    row(backend, 'watch events delivered', f.watch.delivered, `of ${f.watch.expected}`, { op: '>=', value: f.watch.expected }),
  ];
}

const serverRows = (s: ServerFigures): Row[] => [
  row('server', 'time to ready (empty dir)', round(s.readyMs, 0), 'ms', { op: '<', value: 2000 }),
  row('server', `idle RSS (after ${s.idleWaitMs / 1000} s)`, round(s.idleRssMB, 1), 'MB', { op: '<', value: 120 }),
  row('server', 'peak RSS', round(s.peakRssMB, 1), 'MB'),
];

const message = (err: unknown) => (err instanceof Error ? (err.stack ?? err.message) : String(err));

async function main(): Promise<number> {
  const started = new Date();
  const loadBefore = loadavg().map((l) => round(l));
  const rows: Row[] = [];
  const results: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const backend of ['sqlite', 'etcd'] as const) {
    if (!only.has(backend)) continue;
    if (backend === 'etcd' && !existsSync(ETCD_BINARY)) {
      const reason = `${ETCD_BINARY} not found (apt-get install etcd-server): etcd run skipped`;
      log(`etcd: SKIPPED: ${reason}`);
      results.etcd = { skipped: reason };
      continue;
    }
    try {
      const f = await runBackend(backend);
      results[backend] = f;
      rows.push(...backendRows(backend, f));
    } catch (err) {
      log(`${backend}: FAILED: ${message(err)}`);
      results[backend] = { error: message(err) };
      errors.push(`${backend}: ${message(err)}`);
    }
  }
  if (only.has('server')) try {
    log('server: bin/skiff server on an empty data dir');
    const s = await measureServer(params.idleWaitMs);
    results.server = { ...s, readyMs: round(s.readyMs, 1), idleRssMB: round(s.idleRssMB, 1), peakRssMB: round(s.peakRssMB, 1) };
    rows.push(...serverRows(s));
  } catch (err) {
    log(`server: FAILED: ${message(err)}`);
    results.server = { error: message(err) };
    errors.push(`server: ${message(err)}`);
  }

  log('');
  log(table(rows));
  for (const b of ['sqlite', 'etcd'] as const) {
    const f = results[b] as Partial<BackendFigures> | undefined;
    if (f?.apiCreate && f.storeCreate && f.apiOverStoreCreate !== undefined)
      log(`ratio ${b}: API create ${f.apiCreate.perSecond}/s ÷ Store create ${f.storeCreate.perSecond}/s = ${f.apiOverStoreCreate} (target >= 0.5)${f.apiOverStoreCreate >= 0.5 ? '' : '  MISS'}`);
    if (f?.apiCreate && f.httpsFloorCreate && f.apiOverHttpsFloor !== undefined)
      log(`ratio ${b}: API create ${f.apiCreate.perSecond}/s ÷ bare HTTPS create ${f.httpsFloorCreate.perSecond}/s = ${f.apiOverHttpsFloor} (the share of the Node.js HTTPS ceiling the API reaches)`);
  }
  const sq = results.sqlite as Partial<BackendFigures> | undefined;
  const et = results.etcd as Partial<BackendFigures> | undefined;
  const cross: Record<string, number> = {};
  if (sq?.apiCreate && et?.apiCreate && sq.creates === et.creates) {
    cross.etcdOverSqliteApiCreate = round(et.apiCreate.perSecond / sq.apiCreate.perSecond, 3);
    log(`ratio etcd/sqlite API create: ${cross.etcdOverSqliteApiCreate}`);
  }
  if (sq?.storeCreate && et?.storeCreate && sq.creates === et.creates) {
    cross.etcdOverSqliteStoreCreate = round(et.storeCreate.perSecond / sq.storeCreate.perSecond, 3);
    log(`ratio etcd/sqlite Store create: ${cross.etcdOverSqliteStoreCreate}`);
  }
  const misses = rows.filter((r) => r.met === false);
  log(misses.length ? `${misses.length} target(s) missed: ${misses.map((r) => `${r.section} ${r.name}`).join('; ')}` : 'all targets met');

  const cpuList = cpus();
  const doc = {
    benchmark: 'api',
    date: started.toISOString(),
    durationS: round((Date.now() - started.getTime()) / 1000, 1),
    machine: { cpus: cpuList.length, cpuModel: cpuList[0]?.model ?? '', node: process.version, platform: process.platform, arch: process.arch, totalMemoryMB: Math.round(totalmem() / 2 ** 20),
      // Other work on the machine skews every figure: the 1, 5 and 15 minute load averages before and after.
      loadAverageBefore: loadBefore, loadAverageAfter: loadavg().map((l) => round(l)) },
    parameters: params,
    results,
    ratios: cross,
    figures: rows,
    errors,
  };
  // Only a full run replaces the recorded results; a partial one (BENCH_SCALE, BENCH_ONLY) goes beside them, ignored by git.
  const full = scale === 1 && only.size === 3 && ['sqlite', 'etcd', 'server'].every((p) => only.has(p));
  const out = fileURLToPath(new URL(`../../bench/results/${full ? 'api.json' : 'api.partial.json'}`, import.meta.url));
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
  log(`wrote ${out}`);
  return errors.length ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
