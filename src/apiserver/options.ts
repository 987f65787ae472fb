import type { Store } from '../storage/store.js';

/** Everything the API server needs, checked once at start. */
export interface APIServerOptions {
  /** The datastore, already open. */
  readonly store: Store;
  /** Where the CA, serving certificate and kubeconfig live. */
  readonly dataDir: string;
  readonly bindAddress: string;
  /** 0 picks a free port (tests). */
  readonly httpsPort: number;
  /** Shared secret agents join with; also accepted as a bearer token. */
  readonly token: string;
  readonly serviceCIDR: string;
  readonly clusterCIDR: string;
  readonly clusterDNS: string;
  readonly clusterDomain: string;
  /** `--service-account-issuer`: the `iss` of service account tokens and the API's audience (default `https://kubernetes.default.svc.cluster.local`). */
  readonly serviceAccountIssuer?: string;
  /** Current time; tests pass their own. */
  readonly now?: () => Date;
  /** How often watches that allow bookmarks get one (default 60 s, as upstream's ~1 min). */
  readonly bookmarkIntervalMs?: number;
  /** Time between datastore compactions (default 5 min, as kube-apiserver's). */
  readonly compactionIntervalMs?: number;
  /** Structured log sink for server-side problems (default: stderr). */
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}
