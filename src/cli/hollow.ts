import { readFile } from 'node:fs/promises';
import type { Credentials } from '../client/index.js';
import { discardLogger, type Logger } from '../log.js';
import type { HollowCLIOptions, HollowJoin } from './hollow-flags.js';

export type { HollowCLIOptions } from './hollow-flags.js';

/** Stable codes of {@link HollowError}. */
export type HollowErrorCode = 'NoCA';

/** `skiff hollow` could not start. */
export class HollowError extends Error {
  readonly code: HollowErrorCode;

  constructor(code: HollowErrorCode, message: string, options?: ErrorOptions) {
    super(`${code}: ${message}`, options);
    this.name = 'HollowError';
    this.code = code;
  }
}

/**
 * The credentials to join with. The server's token authenticates us; the
 * server is authenticated by its certificate, which must be signed by the
 * CA in `--ca-file` (or the kubeconfig). There is no trust on first use: a
 * token sent to an unverified server would give it away.
 */
export async function joinCredentials(how: HollowJoin): Promise<Credentials> {
  const { credentialsFromKubeconfig } = await import('../client/index.js');
  if ('kubeconfig' in how) return credentialsFromKubeconfig(how.kubeconfig);
  let ca: string;
  try {
    ca = await readFile(how.caFile, 'utf8');
  } catch (err) {
    throw new HollowError('NoCA', `cannot read the cluster CA ${how.caFile} (${(err as Error).message}): give --ca-file with the server's DIR/tls/ca.crt, or --kubeconfig`, { cause: err });
  }
  return { server: how.server, ca, token: how.token };
}

/**
 * The `hollow` role: run `--nodes` simulated nodes in this process until
 * `signal` aborts.
 *
 * @example
 * await runHollow(hollowOptions(values, env), controller.signal, log);
 */
export async function runHollow(options: HollowCLIOptions, signal: AbortSignal, log: Logger = discardLogger): Promise<void> {
  const [{ Client }, hollow] = await Promise.all([import('../client/index.js'), import('../hollow/index.js')]);
  const client = new Client(await joinCredentials(options.join), { userAgent: 'skiff-hollow', maxSockets: options.maxInflight });
  try {
    const template = await hollow.nodeTemplate(
      client,
      {
        internalIP: options.nodeIP ?? hollow.defaultNodeIP(),
        cpu: options.nodeCPU,
        memoryBytes: options.nodeMemoryBytes,
        maxPods: options.maxPods,
      },
    );
    const names = Array.from({ length: options.nodes }, (_, i) => `${options.nodeNamePrefix}${i}`);
    await hollow.runHollowNodes(
      {
        client,
        names,
        template,
        clusterCIDR: options.clusterCIDR,
        nodeCIDRMaskSize: options.nodeCIDRMaskSize,
        leaseDurationSeconds: options.nodeLeaseDurationSeconds,
        maxInflight: options.maxInflight,
        ...(options.podCPUUsage || options.podMemoryUsage ? { defaultPodUsage: { cpu: options.podCPUUsage ?? '0', memory: options.podMemoryUsage ?? '0' } } : {}),
        log,
      },
      signal,
    );
  } finally {
    client.close();
  }
  log.info('stopped');
}
