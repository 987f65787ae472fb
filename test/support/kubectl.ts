import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/** Where kubectl is: $KUBECTL, else the first `kubectl` on PATH; throws a clear error if absent. */
export function kubectlPath(): string {
  const fromEnv = process.env.KUBECTL;
  if (fromEnv) return fromEnv;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, 'kubectl');
    if (dir && existsSync(p)) return p;
  }
  throw new Error('kubectl not found: set $KUBECTL or put kubectl on PATH (tests drive the server with real kubectl)');
}

/** Every versioned kubectl (`kubectl.1.NN`) next to the one in use, oldest first; at least the default one. */
export function kubectlVersions(): { version: string; path: string }[] {
  const main = kubectlPath();
  const dir = dirname(realpathSync(main));
  const found = readdirSync(dir)
    .map((f) => /^kubectl\.(1\.\d+)$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ version: m[1] ?? '', path: join(dir, m[0]) }))
    .sort((a, b) => Number(a.version.split('.')[1]) - Number(b.version.split('.')[1]));
  return found.length ? found : [{ version: 'default', path: main }];
}

/** What a kubectl run printed and how it exited. */
export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run kubectl against `kubeconfig` and wait for it to exit (60 s at most); `env` adds to the environment. */
export function kubectl(kubeconfig: string, args: readonly string[], options: { input?: string; bin?: string; env?: Record<string, string> } = {}): KubectlResult {
  const r = spawnSync(options.bin ?? kubectlPath(), ['--kubeconfig', kubeconfig, ...args], {
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Run kubectl and throw with its stderr unless it exits 0; returns stdout. */
export function kubectlOK(kubeconfig: string, args: readonly string[], options: { input?: string; bin?: string; env?: Record<string, string> } = {}): string {
  const r = kubectl(kubeconfig, args, options);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** A long-running kubectl (e.g. `get -w`) whose output is collected until `stop()`. */
export function kubectlStream(kubeconfig: string, args: readonly string[]): { output: () => string; waitFor: (re: RegExp, ms?: number) => Promise<string>; stop: () => void } {
  const child = spawn(kubectlPath(), ['--kubeconfig', kubeconfig, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  return {
    output: () => out,
    waitFor: async (re, ms = 10_000) => {
      const deadline = Date.now() + ms;
      while (!re.test(out)) {
        if (Date.now() > deadline) throw new Error(`kubectl ${args.join(' ')} did not print ${String(re)} within ${ms} ms; printed:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return out;
    },
    stop: () => {
      if (child.exitCode === null && child.pid) child.kill('SIGKILL');
    },
  };
}

/** True if a command exists on PATH (e.g. etcd). */
export const hasCommand = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/**
 * Run kubectl without blocking the event loop (for tests whose API server
 * runs in the same process: spawnSync would stall it).
 */
export function kubectlAsync(kubeconfig: string, args: readonly string[], options: { bin?: string } = {}): Promise<KubectlResult> {
  return new Promise((resolve) => {
    execFile(options.bin ?? kubectlPath(), ['--kubeconfig', kubeconfig, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

/** {@link kubectlAsync}, throwing with kubectl's stderr unless it exits 0; returns stdout. */
export async function kubectlAsyncOK(kubeconfig: string, args: readonly string[], options: { bin?: string } = {}): Promise<string> {
  const r = await kubectlAsync(kubeconfig, args, options);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}
