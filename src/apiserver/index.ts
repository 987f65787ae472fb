import type { APIServerOptions } from './options.js';

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

/** Start the HTTPS API server. Resolves once it listens and `/readyz` would answer ok. */
export function startAPIServer(options: APIServerOptions): Promise<APIServer> {
  return Promise.reject(new Error(`not implemented yet (${options.bindAddress})`));
}
