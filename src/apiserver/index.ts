import type { APIServerOptions } from './options.js';
import { start } from './server.js';

export type { APIServerOptions } from './options.js';

/** A running API server. */
export interface APIServer {
  /** `https://ADDRESS:PORT` */
  readonly url: string;
  readonly port: number;
  /** PEM of the cluster CA (for kubeconfig). */
  readonly caCert: string;
  /** Admin client certificate and key (PEM), for kubeconfig. */
  readonly adminCert: string;
  readonly adminKey: string;
  /** Stops accepting, ends watches, closes connections; does not close the store. */
  close(): Promise<void>;
}

/**
 * Start the HTTPS API server. Resolves once it listens and `/readyz` answers ok.
 *
 * @example
 * const server = await startAPIServer({ store, dataDir, bindAddress: '127.0.0.1', httpsPort: 6443, token, ... });
 */
export function startAPIServer(options: APIServerOptions): Promise<APIServer> {
  return start(options);
}
