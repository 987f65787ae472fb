import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TLSSocket } from 'node:tls';

/** Who made a request, as Kubernetes' `user.Info`. */
export interface User {
  readonly name: string;
  readonly groups: readonly string[];
  readonly uid?: string;
  /** More about the user (a service account token's pod), as upstream's `user.Info` extra. */
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** Options of {@link newAuthenticator}. */
export interface AuthenticatorOptions {
  /** PEM of the CA that client certificates must be signed by. */
  readonly caCert: string;
  /** Bearer tokens and the users they stand for. */
  readonly tokens: ReadonlyMap<string, User>;
  /** Bearer tokens that are none of `tokens`: service account tokens. */
  readonly serviceAccountTokens?: (token: string) => User | undefined;
}

/** Returns the request's user, or undefined when it proved no identity (answer 401). */
export type Authenticator = (req: IncomingMessage) => User | undefined;

/** Group every authenticated user is in, as upstream adds it. */
export const AUTHENTICATED_GROUP = 'system:authenticated';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_USAGE = '2.5.29.37.0';

/**
 * A request authenticator, tried in upstream's order: a verified TLS client
 * certificate (user = CN, groups = O), then `Authorization: Bearer TOKEN`
 * (a static token, else a service account token).
 *
 * The HTTPS server must request client certificates without rejecting
 * connections that lack one: `{ requestCert: true, rejectUnauthorized: false, ca }`.
 *
 * @example
 * const authenticate = newAuthenticator({ caCert: pki.caCert, tokens: new Map([[token, nodeUser]]) });
 * const user = authenticate(req);
 * if (user === undefined) return unauthorized(res);
 */
export function newAuthenticator(options: AuthenticatorOptions): Authenticator {
  const ca = new X509Certificate(options.caCert);
  // A connection's certificate never changes, so verify it once per socket.
  const bySocket = new WeakMap<TLSSocket, User | null>();
  const fromStatic = newTokenAuthenticator(options.tokens);
  const fromServiceAccount = options.serviceAccountTokens ?? (() => undefined);
  const fromToken = (token: string) => fromStatic(token) ?? fromServiceAccount(token);

  const fromCertificate = (socket: TLSSocket): User | undefined => {
    let user = bySocket.get(socket);
    if (user === undefined) {
      user = certificateUser(socket, ca) ?? null;
      bySocket.set(socket, user);
    }
    return user ?? undefined;
  };

  return (req) => {
    if (req.socket instanceof TLSSocket) {
      const user = fromCertificate(req.socket);
      if (user !== undefined) return user;
    }
    const token = bearerToken(req.headers.authorization);
    return token === undefined ? undefined : fromToken(token);
  };
}

/** The user a bearer token stands for (in `system:authenticated`), or undefined; also answers TokenReviews. */
export function newTokenAuthenticator(tokens: ReadonlyMap<string, User>): (token: string) => User | undefined {
  const users = new Map<string, User>();
  for (const [token, user] of tokens) users.set(token, withAuthenticatedGroup(user));
  return (token) => users.get(token);
}

/** The token of an `Authorization: Bearer TOKEN` header (scheme case-insensitive, as upstream). */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

function certificateUser(socket: TLSSocket, ca: X509Certificate): User | undefined {
  if (!socket.authorized) return undefined;
  const peer = socket.getPeerX509Certificate();
  if (peer === undefined) return undefined;
  // Defence in depth: the server's `ca` option might list more than the cluster CA.
  if (!peer.checkIssued(ca) || !peer.verify(ca.publicKey)) return undefined;
  const usages = peer.keyUsage as string[] | undefined; // node names the extended key usages so
  if (usages !== undefined && !usages.includes(CLIENT_AUTH) && !usages.includes(ANY_USAGE)) return undefined;
  const subject = socket.getPeerCertificate().subject as Partial<Record<string, string | string[]>>;
  const name = first(subject['CN']);
  if (name === undefined || name === '') return undefined;
  return withAuthenticatedGroup({ name, groups: list(subject['O']) });
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const first = (v: string | string[] | undefined): string | undefined => list(v)[0];

function withAuthenticatedGroup(user: User): User {
  if (user.groups.includes(AUTHENTICATED_GROUP)) return user;
  return { ...user, groups: [...user.groups, AUTHENTICATED_GROUP] };
}
