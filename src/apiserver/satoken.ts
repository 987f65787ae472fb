/**
 * Service account tokens as upstream's `pkg/serviceaccount`: the claims a
 * TokenRequest mints (iss, sub, aud, exp, iat, nbf, jti and the private
 * `kubernetes.io` claim naming the namespace, the account and the object
 * the token is bound to), and the authenticator that turns such a bearer
 * token back into the account's user while the account, and the object it
 * is bound to, still exist with the same uid.
 */
import type { KubeObject } from '../api/meta.js';
import { AUTHENTICATED_GROUP, type User } from './authn.js';
import { verifyJWT } from './jwt.js';
import type { ServiceAccountKey } from './sakey.js';

/** Upstream's default `--service-account-issuer` (and so the API's audience). */
export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** An object a token names: its name and uid. */
export interface Ref {
  readonly name: string;
  readonly uid: string;
}

/** The private claim upstream puts in every bound token. */
export interface KubernetesClaim {
  readonly namespace: string;
  readonly serviceaccount: Ref;
  readonly pod?: Ref;
  readonly secret?: Ref;
  readonly node?: Ref;
  /** Unix time after which upstream warns that an extended token is used (see `WarnOnlyBoundTokenExpirationSeconds`). */
  readonly warnafter?: number;
}

/** The claims of a service account token. */
export interface TokenClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: readonly string[];
  readonly exp: number;
  readonly iat: number;
  readonly nbf: number;
  readonly jti: string;
  readonly 'kubernetes.io': KubernetesClaim;
}

/** `system:serviceaccount:NS:NAME`, the user name of an account. */
export const serviceAccountUserName = (namespace: string, name: string) => `system:serviceaccount:${namespace}:${name}`;

/** The claims of a token for `claim`'s account, valid `seconds` from `now`. */
export function tokenClaims(issuer: string, audiences: readonly string[], now: Date, seconds: number, jti: string, claim: KubernetesClaim): TokenClaims {
  const iat = Math.floor(now.getTime() / 1000);
  return { iss: issuer, sub: serviceAccountUserName(claim.namespace, claim.serviceaccount.name), aud: [...audiences], exp: iat + seconds, iat, nbf: iat, jti, 'kubernetes.io': claim };
}

/** What the authenticator looks objects up in (the API server's watch caches). */
export interface TokenLookups {
  serviceAccount(namespace: string, name: string): KubeObject | undefined;
  pod(namespace: string, name: string): KubeObject | undefined;
  secret(namespace: string, name: string): KubeObject | undefined;
  node(name: string): KubeObject | undefined;
}

/** Options of {@link newServiceAccountAuthenticator}. */
export interface ServiceAccountAuthenticatorOptions {
  readonly key: ServiceAccountKey;
  readonly issuer: string;
  /** The API's audiences: a token must name one of them. */
  readonly audiences: readonly string[];
  readonly lookups: TokenLookups;
  readonly now: () => Date;
}

/** Clock skew tolerated on exp, nbf and iat, as go-jose's DefaultLeeway that upstream uses. */
const LEEWAY_SECONDS = 60;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const ref = (v: unknown): Ref | undefined => {
  if (v === null || typeof v !== 'object') return undefined;
  const r = v as Record<string, unknown>;
  const name = str(r.name);
  const uid = str(r.uid);
  return name !== undefined && uid !== undefined ? { name, uid } : undefined;
};

/**
 * A bound object still stands for the token: it exists with the token's
 * uid, and is not deleted more than the leeway ago (upstream lets a pod's
 * token work for a minute after its deletion began).
 */
function stillBound(obj: KubeObject | undefined, want: Ref, nowSeconds: number): boolean {
  if (obj?.metadata.uid !== want.uid) return false;
  const deleted = obj.metadata.deletionTimestamp;
  return !deleted || Date.parse(deleted) / 1000 >= nowSeconds - LEEWAY_SECONDS;
}

/**
 * The authenticator of service account tokens: the user a token stands for
 * (`system:serviceaccount:NS:NAME` in `system:serviceaccounts`,
 * `system:serviceaccounts:NS` and `system:authenticated`), or undefined if
 * the token is not ours, is expired, names none of `audiences` (default:
 * the API's), or its account or bound object is gone.
 */
export function newServiceAccountAuthenticator(o: ServiceAccountAuthenticatorOptions): (token: string, audiences?: readonly string[]) => User | undefined {
  return (token, audiences = o.audiences) => {
    const c = verifyJWT(token, o.key.publicKey);
    if (!c || c.iss !== o.issuer) return undefined;
    const aud = typeof c.aud === 'string' ? [c.aud] : Array.isArray(c.aud) ? c.aud.filter((a): a is string => typeof a === 'string') : [];
    if (!aud.some((a) => audiences.includes(a))) return undefined;
    const now = o.now().getTime() / 1000;
    const exp = num(c.exp);
    const nbf = num(c.nbf);
    const iat = num(c.iat);
    if (exp === undefined || now > exp + LEEWAY_SECONDS) return undefined;
    if ((nbf !== undefined && now < nbf - LEEWAY_SECONDS) || (iat !== undefined && now < iat - LEEWAY_SECONDS)) return undefined;
    const k = c['kubernetes.io'] as Record<string, unknown> | undefined;
    const namespace = str(k?.namespace);
    const sa = ref(k?.serviceaccount);
    if (!k || namespace === undefined || !sa || c.sub !== serviceAccountUserName(namespace, sa.name)) return undefined;
    if (!stillBound(o.lookups.serviceAccount(namespace, sa.name), sa, now)) return undefined;
    const pod = ref(k.pod);
    const secret = ref(k.secret);
    const node = ref(k.node);
    if (pod && !stillBound(o.lookups.pod(namespace, pod.name), pod, now)) return undefined;
    if (secret && !stillBound(o.lookups.secret(namespace, secret.name), secret, now)) return undefined;
    // A token bound to a node dies with it; the node of a pod-bound token is information only, as upstream.
    if (node && !pod && !stillBound(o.lookups.node(node.name), node, now)) return undefined;
    const extra: Record<string, string[]> = {};
    if (pod) extra['authentication.kubernetes.io/pod-name'] = [pod.name];
    if (pod) extra['authentication.kubernetes.io/pod-uid'] = [pod.uid];
    if (node) extra['authentication.kubernetes.io/node-name'] = [node.name];
    if (node) extra['authentication.kubernetes.io/node-uid'] = [node.uid];
    const jti = str(c.jti);
    if (jti) extra['authentication.kubernetes.io/credential-id'] = [`JTI=${jti}`];
    return {
      name: serviceAccountUserName(namespace, sa.name),
      uid: sa.uid,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, AUTHENTICATED_GROUP],
      extra,
    };
  };
}
