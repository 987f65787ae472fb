import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './net.js';

/** The etcd binary of Debian's `etcd-server` package. */
export const ETCD_BINARY = '/usr/bin/etcd';

/** A running test etcd. */
export interface EtcdProcess {
  /** `etcd://127.0.0.1:PORT`, for `openStore`. */
  readonly endpoint: string;
  readonly port: number;
  readonly dataDir: string;
  /** SIGKILL etcd and wait for it to exit, keeping the data dir (to start again on it). */
  crash(): Promise<void>;
  /** SIGKILL etcd, wait for it to exit, and remove the data dir unless it was given. */
  stop(): Promise<void>;
}

/** Options of {@link startEtcd}. */
export interface StartEtcdOptions {
  /** Reuse this data dir (kept on stop); default: a new temp dir, removed on stop. */
  readonly dataDir?: string;
  /** Client port; default: a free one. */
  readonly port?: number;
}


/** True once etcd's `/health` says so. */
async function healthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) });
    const body = (await res.json()) as { health?: unknown };
    return body.health === 'true';
  } catch {
    return false;
  }
}

/**
 * Start a real single-member etcd on free 127.0.0.1 ports with its own data
 * dir and wait until it answers; it is killed by PID in every outcome
 * (`stop`, a failed start, or this process exiting).
 *
 * @example
 * const etcd = await startEtcd();
 * try { const store = await openStore(etcd.endpoint, { dataDir }); … } finally { await etcd.stop(); }
 */
export async function startEtcd(options: StartEtcdOptions = {}): Promise<EtcdProcess> {
  if (!existsSync(ETCD_BINARY)) {
    throw new Error(`${ETCD_BINARY} not found: the etcd storage tests need a real etcd; run \`apt-get install etcd-server\``);
  }
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'skiff-etcd-'));
  const port = options.port ?? (await freePort());
  const peerPort = await freePort();
  const client = `http://127.0.0.1:${port}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const child = spawn(ETCD_BINARY, [
    '--name', 'skiff-test', '--data-dir', dataDir,
    '--listen-client-urls', client, '--advertise-client-urls', client,
    '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `skiff-test=${peer}`, '--logger', 'zap', '--log-level', 'error',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => { output = (output + chunk.toString()).slice(-4000); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  const state = { running: true };
  void exited.then(() => { state.running = false; });
  const killNow = () => { if (state.running && child.pid !== undefined) process.kill(child.pid, 'SIGKILL'); };
  process.once('exit', killNow);
  const kill = async () => {
    process.off('exit', killNow);
    killNow();
    await exited;
  };
  const stop = async () => {
    await kill();
    if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    for (let attempt = 0; !(await healthy(port)); attempt++) {
      if (!state.running) throw new Error(`etcd exited during start-up:\n${output}`);
      if (attempt > 300) throw new Error(`etcd did not become healthy on port ${port}:\n${output}`);
      await sleep(100);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint: `etcd://127.0.0.1:${port}`, port, dataDir, crash: kill, stop };
}
