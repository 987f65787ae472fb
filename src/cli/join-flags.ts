/**
 * How a node process (`skiff agent`, `skiff hollow`) joins a server: a
 * kubeconfig, or the server's URL and token with the CA its certificate
 * must be signed by. Shared flags and their checks.
 */
import { join as joinPath, resolve } from 'node:path';
import { FlagError, type FlagSpecs, type FlagValues } from './flags.js';
import { invalid } from './server-flags.js';

export const joinFlags = {
  server: { type: 'string', placeholder: 'URL', description: 'API server to join: https://HOST:PORT' },
  token: { type: 'string', placeholder: 'TOKEN', description: "the server's --token (DIR/token on the server)" },
  'ca-file': {
    type: 'string',
    placeholder: 'FILE',
    description: "PEM of the cluster CA that the server's certificate must be signed by",
    defaultText: 'DIR/tls/ca.crt of a server on this machine with the default --data-dir',
  },
  kubeconfig: { type: 'string', placeholder: 'FILE', description: 'join with this kubeconfig (server, CA, credentials) instead of --server/--token' },
} as const satisfies FlagSpecs;

/** How a node process reaches the server: a kubeconfig, or server, token and the CA to trust. */
export type Join = { readonly kubeconfig: string } | { readonly server: string; readonly token: string; readonly caFile: string };

/** What the defaults depend on. */
export interface JoinEnv {
  readonly uid: number;
  readonly home: string;
  readonly cwd: string;
}

/** `--kubeconfig`, or `--server` and `--token` with `--ca-file` (default: the local server's CA). */
export function joinOf(values: FlagValues<typeof joinFlags>, env: JoinEnv): Join {
  if (values.kubeconfig !== undefined) return { kubeconfig: resolve(env.cwd, values.kubeconfig) };
  const server = values.server;
  if (server === undefined) throw new FlagError('MissingValue', 'server', '--server URL (or --kubeconfig FILE) is required');
  if (!/^https:\/\/[^/]+$/.test(server)) throw invalid('server', server, 'want https://HOST:PORT');
  if (values.token === undefined) throw new FlagError('MissingValue', 'token', "--token TOKEN (the server's) is required with --server");
  const caFile = values['ca-file'] ?? joinPath(env.uid === 0 ? '/var/lib/skiff' : joinPath(env.home, '.skiff'), 'tls', 'ca.crt');
  return { server, token: values.token, caFile: resolve(env.cwd, caFile) };
}
