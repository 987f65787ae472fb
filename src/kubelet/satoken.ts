/**
 * The kubelet's service account token manager (upstream's
 * `pkg/kubelet/token`): a projected `serviceAccountToken` gets a token of
 * the pod's account bound to the pod, through the TokenRequest API, kept
 * per pod, audience and lifetime and requested again once 80% of its
 * lifetime passed (or it is a day old), so that the volume, rewritten on
 * every refresh of the pod's volumes, always holds a live token.
 */
import { serviceAccounts } from '../api/core/index.js';
import type { Client } from '../client/index.js';
import { VolumeError, type PodWithVolumes } from './volumes.js';

/** Options of {@link newServiceAccountTokens}. */
export interface ServiceAccountTokensOptions {
  readonly client: Client;
  /** Milliseconds since the epoch; tests pass their own. */
  readonly now?: () => number;
}

/** Tokens for pods' projected volumes. */
export interface ServiceAccountTokens {
  /** A live token of `pod`'s account for `audience` ('' = the API server's), bound to the pod; throws a VolumeError if none can be had. */
  token(audience: string, expirationSeconds: number, pod: PodWithVolumes): Promise<string>;
  /** Drop the tokens of a pod that is gone. */
  forget(podUID: string): void;
}

interface Cached {
  readonly token: string;
  /** `status.expirationTimestamp`, ms. */
  readonly expiresAt: number;
  readonly seconds: number;
}

interface TokenRequestReply {
  readonly status?: { readonly token?: string; readonly expirationTimestamp?: string };
}

/** Upstream refreshes a token at least daily, whatever its lifetime (maxTTL). */
const MAX_AGE_MS = 24 * 3600_000;

/** Upstream's requiresRefresh: past 80% of the lifetime asked for, or older than a day. */
const needsRefresh = (c: Cached, now: number): boolean => {
  const issued = c.expiresAt - c.seconds * 1000;
  return now >= c.expiresAt - c.seconds * 200 || now >= issued + MAX_AGE_MS;
};

/**
 * A token manager asking the API through `client`.
 *
 * @example
 * const tokens = newServiceAccountTokens({ client });
 * const sources = { ...volumeSources, serviceAccountToken: (aud, secs, pod) => tokens.token(aud, secs, pod) };
 */
export function newServiceAccountTokens(o: ServiceAccountTokensOptions): ServiceAccountTokens {
  const now = o.now ?? Date.now;
  const cache = new Map<string, Cached>();

  const request = async (audience: string, seconds: number, pod: PodWithVolumes): Promise<Cached> => {
    const { name = '', namespace = '', uid = '' } = pod.metadata;
    const body = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: {},
      spec: { ...(audience ? { audiences: [audience] } : {}), expirationSeconds: seconds, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name, uid } },
    };
    const reply = await o.client.post<TokenRequestReply>(serviceAccounts, namespace, pod.spec?.serviceAccountName || 'default', 'token', body);
    const token = reply.status?.token;
    const expiresAt = Date.parse(reply.status?.expirationTimestamp ?? '');
    if (!token || Number.isNaN(expiresAt)) throw new Error('the TokenRequest answer holds no token');
    return { token, expiresAt, seconds };
  };

  return {
    async token(audience, seconds, pod) {
      const key = `${pod.metadata.uid ?? ''}/${audience}/${String(seconds)}`;
      const cached = cache.get(key);
      const t = now();
      if (cached && !needsRefresh(cached, t)) return cached.token;
      try {
        const fresh = await request(audience, seconds, pod);
        cache.set(key, fresh);
        return fresh.token;
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        if (!cached) throw new VolumeError(`failed to fetch token: ${why}`);
        // A refresh that failed keeps the old token while it lasts, as upstream.
        if (t >= cached.expiresAt) throw new VolumeError(`token expired and refresh failed: ${why}`);
        return cached.token;
      }
    },
    forget(podUID) {
      for (const key of cache.keys()) if (key.startsWith(`${podUID}/`)) cache.delete(key);
    },
  };
}
