import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** `bin/skiff` at the repo root (this file runs as dist/bench/lib/skiff.js). */
export const SKIFF_BIN = fileURLToPath(new URL('../../../bin/skiff', import.meta.url));

/** What {@link measureServer} found. */
export interface ServerFigures {
  readonly args: readonly string[];
  /** From spawn to DIR/kubeconfig.yaml appearing, on an empty data dir. */
  readonly readyMs: number;
  readonly idleWaitMs: number;
  /** VmRSS after the idle wait. */
  readonly idleRssMB: number;
  /** VmHWM (peak RSS) at the same moment. */
  readonly peakRssMB: number;
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** A /proc/PID/status field in kB (VmRSS, VmHWM), or NaN. */
function statusKB(pid: number, field: string): number {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return m?.[1] === undefined ? Number.NaN : Number(m[1]);
}

/**
 * Start `skiff server` on an empty temp data dir and a free port, time it to
 * ready (DIR/kubeconfig.yaml), let it idle, read its RSS; always kill it by
 * PID (SIGTERM, then SIGKILL after 5 s) and remove the data dir.
 */
export async function measureServer(idleWaitMs = 3000, readyTimeoutMs = 60_000): Promise<ServerFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-bench-server-'));
  const port = await freePort();
  const args = ['server', '--data-dir', dataDir, '--https-port', String(port)];
  const started = performance.now();
  const child = spawn(process.execPath, [SKIFF_BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr.on('data', (c: Buffer) => {
    output = (output + c.toString()).slice(-4000);
  });
  const state = { running: true };
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    state.running = false;
    resolve();
  }));
  child.once('error', (err) => {
    output += `\n${err.message}`;
  });
  const killNow = () => {
    if (state.running && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  };
  process.once('exit', killNow);
  try {
    const pid = child.pid;
    if (pid === undefined) throw new Error(`could not start ${SKIFF_BIN}: ${output}`);
    const kubeconfig = join(dataDir, 'kubeconfig.yaml');
    while (!existsSync(kubeconfig)) {
      if (!state.running) throw new Error(`skiff server exited before it was ready:\n${output}`);
      if (performance.now() - started > readyTimeoutMs) throw new Error(`skiff server not ready within ${readyTimeoutMs} ms:\n${output}`);
      await sleep(5);
    }
    const readyMs = performance.now() - started;
    await sleep(idleWaitMs);
    if (!state.running) throw new Error(`skiff server exited while idle:\n${output}`);
    const rss = statusKB(pid, 'VmRSS');
    const hwm = statusKB(pid, 'VmHWM');
    return { args: [SKIFF_BIN, ...args], readyMs, idleWaitMs, idleRssMB: rss / 1024, peakRssMB: hwm / 1024 };
  } finally {
    if (state.running && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      killNow();
      await exited;
    }
    process.off('exit', killNow);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
