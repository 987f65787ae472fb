import { Client, credentialsFromKubeconfig } from '../../src/client/index.js';
import { runHollowNodes, type HollowOptions, type NodeTemplate } from '../../src/hollow/index.js';
import type { TestAPIServer } from './apiserver.js';

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
  runtimeVersion: 'hollow://test',
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
  options: { prefix?: string; template?: Partial<NodeTemplate> } & Partial<Pick<HollowOptions, 'leaseDurationSeconds' | 'statusReportSeconds' | 'clusterCIDR' | 'nodeCIDRMaskSize' | 'log'>> = {},
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
