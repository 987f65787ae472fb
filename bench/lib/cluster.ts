/**
 * A cluster of real processes for the scale benchmarks: `skiff server
 * --runtime fake --disable-agent` (SQLite in a temp data dir; scheduler and
 * controller manager inside it, as always) and one `skiff hollow --nodes N`
 * joining with the server's token, with this process as a client watching
 * the nodes. Everything is stopped by PID and the data dir removed in
 * every outcome.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { nodes } from '../../src/api/core/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { Client, credentialsFromKubeconfig, Informer, sleep, type Credentials } from '../../src/client/index.js';
import { startSkiff, type SkiffProcess } from '../../test/support/skiff.js';
import { startHollow, type HollowProcess } from './skiff.js';

/** Resolves when `cond()` holds (checked every 100 ms, in memory), rejects after `ms` or when `signal` aborts. */
export async function until(cond: () => boolean, ms: number, signal: AbortSignal, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!cond()) {
    if (signal.aborted) throw new Error(`interrupted while waiting for ${what}`);
    if (performance.now() > deadline) throw new Error(`timed out after ${String(Math.round(ms / 1000))} s waiting for ${what}`);
    await sleep(100, signal);
  }
}

/** `p`, or a rejection as soon as `signal` aborts (an interrupt must not wait on a watch that will never sync). */
export function orAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('interrupted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('interrupted'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Waits `ms`; rejects at once if `signal` aborts. */
export const pause = (ms: number, signal: AbortSignal): Promise<void> => orAbort(sleep(ms, signal), signal);

function nodeReady(n: KubeObject): boolean {
  const conditions = (n as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Options of {@link startCluster}. */
export interface ClusterOptions {
  readonly nodes: number;
  /** Wide enough for a /24 per node (10.0.0.0/8 holds 65,536). */
  readonly clusterCIDR: string;
  /** Node options per process (`--cpu-prof` and the like). */
  readonly nodeArgs?: (who: 'server' | 'hollow') => string[];
  /** Waited after the server is ready, before the nodes join (its idle RSS is read after it). */
  readonly idleWaitMs?: number;
  readonly userAgent: string;
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
}

/** A running benchmark cluster. */
export interface Cluster {
  readonly server: SkiffProcess;
  readonly hollow: HollowProcess;
  readonly credentials: Credentials;
  /** This process's client (16 connections). */
  readonly api: Client;
  /** Names of the nodes Ready now, kept by a node informer. */
  readonly ready: ReadonlySet<string>;
  /** From starting `skiff hollow` to every node Ready. */
  readonly nodesReadyMs: number;
  /** True while both processes live. */
  alive(): boolean;
  /** SQLite file sizes (db + wal) in bytes. */
  sqliteBytes(): number;
  /** Stop the informers, the hollow nodes, then the server (each by PID); remove the data dir. */
  stop(): Promise<void>;
}

/**
 * Start the server, wait `idleWaitMs` (`onIdle` then reads what it wants),
 * start the hollow nodes and wait until every one is Ready.
 */
export async function startCluster(o: ClusterOptions, onIdle: (server: SkiffProcess) => void = () => {}): Promise<Cluster> {
  const root = mkdtempSync(join(tmpdir(), 'skiff-bench-'));
  const stopInformers = new AbortController();
  const running: Promise<void>[] = [];
  let server: SkiffProcess | undefined;
  let hollow: HollowProcess | undefined;
  let api: Client | undefined;
  const stop = async () => {
    stopInformers.abort();
    await Promise.allSettled(running);
    api?.close();
    const hollowExit = await hollow?.stop(30_000);
    // A server holding many objects (and writing a profile) may take more than the helper's 5 s to stop gracefully.
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      const child = server.child;
      child.kill('SIGTERM');
      await Promise.race([new Promise((resolve) => child.once('exit', resolve)), sleep(30_000)]);
    }
    const serverExit = await server?.stop();
    if (hollowExit !== undefined && hollowExit !== 0) o.log(`  skiff hollow exited with ${String(hollowExit)}; its last lines:\n${hollow?.logs() ?? ''}`);
    if (serverExit !== undefined && serverExit !== 0) o.log(`  skiff server exited with ${String(serverExit)}; its last lines:\n${(server?.logs() ?? '').split('\n').slice(-50).join('\n')}`);
    rmSync(root, { recursive: true, force: true });
  };
  try {
    server = await startSkiff({ dataDir: join(root, 'server'), args: ['--disable-agent', '--cluster-cidr', o.clusterCIDR], nodeArgs: o.nodeArgs?.('server') ?? [], timeoutMs: 60_000 });
    await pause(o.idleWaitMs ?? 0, o.signal);
    onIdle(server);
    const credentials = credentialsFromKubeconfig(server.kubeconfig);
    api = new Client(credentials, { userAgent: o.userAgent, maxSockets: 16 });
    const nodeInformer = new Informer(api, nodes);
    const ready = new Set<string>();
    const track = (n: KubeObject) => (nodeReady(n) ? ready.add(n.metadata.name ?? '') : ready.delete(n.metadata.name ?? ''));
    nodeInformer.on({ add: track, update: (_, n) => track(n), delete: (n) => ready.delete(n.metadata.name ?? '') });
    running.push(nodeInformer.run(stopInformers.signal));
    await orAbort(nodeInformer.synced(), o.signal);
    const token = readFileSync(join(server.dataDir, 'token'), 'utf8').trim();
    const nodesStart = performance.now();
    hollow = startHollow(['--server', credentials.server, '--token', token, '--ca-file', join(server.dataDir, 'tls', 'ca.crt'), '--nodes', String(o.nodes), '--cluster-cidr', o.clusterCIDR], o.nodeArgs?.('hollow') ?? []);
    const h = hollow;
    await until(() => ready.size >= o.nodes || h.child.exitCode !== null, 600_000, o.signal, `${String(o.nodes)} Ready nodes`);
    if (h.child.exitCode !== null) throw new Error(`skiff hollow exited (${String(h.child.exitCode)}):\n${h.logs()}`);
    const s = server;
    const db = join(s.dataDir, 'state.db');
    const size = (f: string) => {
      try {
        return statSync(f).size;
      } catch {
        return 0;
      }
    };
    return {
      server: s,
      hollow: h,
      credentials,
      api,
      ready,
      nodesReadyMs: performance.now() - nodesStart,
      alive: () => h.child.exitCode === null && s.child.exitCode === null,
      sqliteBytes: () => size(db) + size(`${db}-wal`),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
