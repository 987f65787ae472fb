import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { freePort } from './net.js';

export { freePort } from './net.js';

/** The repository's `bin/skiff`. */
export const skiffBin = fileURLToPath(new URL('../../../bin/skiff', import.meta.url));

/** A `skiff server` process started by a test. */
export interface SkiffProcess {
  readonly dataDir: string;
  readonly kubeconfig: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Milliseconds from spawn to the kubeconfig appearing (ready). */
  readonly readyMs: number;
  /** Everything it printed to stderr so far. */
  logs(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves with the exit code (or signal name). */
  stop(): Promise<number | string>;
  /** Stop, and remove the data dir unless `keep`. */
  cleanup(keep?: boolean): Promise<void>;
}

/** Start `bin/skiff server` on a free port (`nodeArgs` go to node itself, e.g. `--cpu-prof`); resolves once it wrote its kubeconfig (ready). */
export async function startSkiff(options: { dataDir?: string; endpoint?: string | undefined; args?: string[]; nodeArgs?: string[]; timeoutMs?: number } = {}): Promise<SkiffProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'skiff-e2e-'));
  const port = await freePort();
  const args = ['server', '--data-dir', dataDir, '--https-port', String(port), '--runtime', 'fake', ...(options.endpoint ? ['--datastore-endpoint', options.endpoint] : []), ...(options.args ?? [])];
  // A kubeconfig left by an earlier run must not pass for this one's readiness.
  rmSync(join(dataDir, 'kubeconfig.yaml'), { force: true });
  const started = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), skiffBin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  // Never leave a server behind, even if the test process exits abruptly.
  const killNow = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killNow);
  child.once('exit', () => process.off('exit', killNow));
  let logs = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (logs += d));
  const kubeconfig = join(dataDir, 'kubeconfig.yaml');
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, sig) => resolve(code ?? sig ?? -1)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode ?? child.signalCode ?? -1;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    const r = await exited;
    clearTimeout(timer);
    return r;
  };
  let readyMs = 0;
  const proc: SkiffProcess = {
    dataDir,
    kubeconfig,
    port,
    child,
    get readyMs() {
      return readyMs;
    },
    logs: () => logs,
    stop,
    cleanup: async (keep = false) => {
      await stop();
      if (!keep && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  while (!existsSync(kubeconfig)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await proc.cleanup();
      throw new Error(`skiff server did not become ready (exit ${String(child.exitCode)}):\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  readyMs = performance.now() - started;
  return proc;
}

/** Wait until `check` gives a value, polling every `everyMs` until `ms` have passed; the error carries the processes' `logs()`. */
export async function waitUntil<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms: number, logs: () => string = () => '', everyMs = 100): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${logs()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
