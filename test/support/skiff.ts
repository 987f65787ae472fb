import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's `bin/skiff`. */
export const skiffBin = fileURLToPath(new URL('../../../bin/skiff', import.meta.url));

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** A `skiff server` process started by a test. */
export interface SkiffProcess {
  readonly dataDir: string;
  readonly kubeconfig: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Everything it printed to stderr so far. */
  logs(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves with the exit code (or signal name). */
  stop(): Promise<number | string>;
  /** Stop, and remove the data dir unless `keep`. */
  cleanup(keep?: boolean): Promise<void>;
}

/** Start `bin/skiff server` on a free port; resolves once it wrote its kubeconfig (ready). */
export async function startSkiff(options: { dataDir?: string; endpoint?: string | undefined; args?: string[]; timeoutMs?: number } = {}): Promise<SkiffProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'skiff-e2e-'));
  const port = await freePort();
  const args = ['server', '--data-dir', dataDir, '--https-port', String(port), '--runtime', 'fake', ...(options.endpoint ? ['--datastore-endpoint', options.endpoint] : []), ...(options.args ?? [])];
  // A kubeconfig left by an earlier run must not pass for this one's readiness.
  rmSync(join(dataDir, 'kubeconfig.yaml'), { force: true });
  const child = spawn(process.execPath, [skiffBin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
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
  const proc: SkiffProcess = {
    dataDir,
    kubeconfig,
    port,
    child,
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
    await new Promise((r) => setTimeout(r, 25));
  }
  return proc;
}
