import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, credentialsFromKubeconfig } from '../../src/client/index.js';
import { runHollowNodes, type HollowOptions, type NodeTemplate } from '../../src/hollow/index.js';
import type { TestAPIServer } from './apiserver.js';
import { skiffBin } from './skiff.js';

/** Hollow nodes running in the test's process. */
export interface TestHollowNodes {
  /** Their names: `PREFIX0`, `PREFIX1`, … */
  readonly names: readonly string[];
  /** Stops them (their Nodes and Leases stay, as when a kubelet dies); resolves once everything stopped. */
  stop(): Promise<void>;
}

/** What every test node looks like unless the test says otherwise: 4 cores, 16 GiB, 110 pods. */
export const testNodeTemplate: NodeTemplate = {
  internalIP: '192.168.0.10',
  cpu: '4',
  memoryBytes: 16 * 1024 ** 3,
  maxPods: 110,
  kubeletVersion: 'v1.33.0+skiff',
  runtimeVersion: 'hollow://v1.33.0+skiff',
};

/**
 * Start `count` hollow nodes against `api`; resolves once they are
 * registered (Nodes Ready, Leases written) and watch their pods. Always
 * `stop()` them in an `after`/`finally`.
 *
 * @example
 * const hollow = await startHollowNodes(api, 3);
 * try { … } finally { await hollow.stop(); }
 */
export async function startHollowNodes(
  api: TestAPIServer,
  count: number,
  options: { prefix?: string; template?: Partial<NodeTemplate> } & Partial<Pick<HollowOptions, 'leaseDurationSeconds' | 'statusReportSeconds' | 'clusterCIDR' | 'nodeCIDRMaskSize' | 'defaultPodUsage' | 'log'>> = {},
): Promise<TestHollowNodes> {
  const { prefix = 'hollow-', template, ...rest } = options;
  const names = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  const client = new Client(credentialsFromKubeconfig(api.kubeconfig), { userAgent: 'skiff-hollow-test' });
  const stop = new AbortController();
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const running = runHollowNodes({ client, names, template: { ...testNodeTemplate, ...template }, clusterCIDR: '10.42.0.0/16', ...rest, onReady: ready }, stop.signal);
  const stopAll = async () => {
    stop.abort();
    try {
      await running;
    } finally {
      client.close();
    }
  };
  try {
    await Promise.race([isReady, running]);
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }
  return { names, stop: stopAll };
}

/** A `skiff hollow` process started by a test. */
export interface HollowProcess {
  readonly child: ChildProcess;
  /** Everything it printed to stderr so far. */
  logs(): string;
  /** SIGTERM (SIGKILL after 5 s); resolves with the exit code or signal name. Safe to call twice. */
  stop(): Promise<number | string>;
  /** SIGKILL at once, as a node dying; resolves once it exited. */
  kill(): Promise<number | string>;
}

/**
 * Start `bin/skiff hollow` (or `role`, e.g. `agent`) joining `server` (a
 * {@link SkiffProcess}) with its token and CA. Returns at once; wait for the nodes through the API. Always
 * `stop()` it in a `finally`/`after`.
 */
export function spawnHollow(server: { dataDir: string; port: number }, args: readonly string[], role: 'hollow' | 'agent' = 'hollow'): HollowProcess {
  const token = readFileSync(join(server.dataDir, 'token'), 'utf8').trim();
  const all = [role, '--server', `https://127.0.0.1:${server.port}`, '--token', token, '--ca-file', join(server.dataDir, 'tls', 'ca.crt'), ...args];
  const child = spawn(process.execPath, [skiffBin, ...all], { stdio: ['ignore', 'ignore', 'pipe'] });
  const killNow = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killNow);
  let logs = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (logs += d));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, sig) => {
      process.off('exit', killNow);
      resolve(code ?? sig ?? -1);
    }),
  );
  const done = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    logs: () => logs,
    stop: async () => {
      if (done()) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(killNow, 5000);
      const r = await exited;
      clearTimeout(timer);
      return r;
    },
    kill: async () => {
      killNow();
      return exited;
    },
  };
}
