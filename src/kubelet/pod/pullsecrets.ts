/**
 * `imagePullSecrets` as upstream's credential keyring reads them: the
 * `.dockerconfigjson` (and legacy `.dockercfg`) entries whose registry
 * matches the image's, handed to CRI's PullImage as AuthConfig, each tried
 * in turn.
 */
import type { AuthConfig } from '../cri/types.js';

/** A Secret as the kubelet reads it (data base64, as stored). */
export interface PullSecret {
  readonly type?: string;
  readonly data?: Readonly<Record<string, string>>;
}

interface DockerEntry {
  readonly auth?: string;
  readonly username?: string;
  readonly password?: string;
  readonly identitytoken?: string;
  readonly registrytoken?: string;
}

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** The registry an image reference pulls from, as the reference's domain rules say (docker.io when none is named). */
export function registryOf(image: string): string {
  const first = image.split('/')[0] ?? '';
  const named = image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return named ? first : 'docker.io';
}

/** A config key (`https://index.docker.io/v1/`, `registry.example.com:5000/team`) as host and path prefix. */
function keyOf(key: string): { host: string; path: string } {
  const bare = key.replace(/^[a-z]+:\/\//, '');
  const slash = bare.indexOf('/');
  const host = slash < 0 ? bare : bare.slice(0, slash);
  const path = slash < 0 ? '' : bare.slice(slash + 1).replace(/\/+$/, '');
  // Docker Hub's own key carries the API version as its path.
  return { host, path: DOCKER_HUB.has(host) && /^v\d+$/.test(path) ? '' : path };
}

function entries(secret: PullSecret): [string, DockerEntry][] {
  const decode = (b64: string | undefined) => (b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8'));
  try {
    const json = decode(secret.data?.['.dockerconfigjson']);
    if (json !== undefined) return Object.entries((JSON.parse(json) as { auths?: Record<string, DockerEntry> }).auths ?? {});
    const legacy = decode(secret.data?.['.dockercfg']);
    if (legacy !== undefined) return Object.entries(JSON.parse(legacy) as Record<string, DockerEntry>);
  } catch {
    // A malformed config gives no credentials, as upstream skips it.
  }
  return [];
}

/** The credentials of `secrets` that apply to `image`, most specific first. */
export function pullCredentials(image: string, secrets: readonly PullSecret[]): AuthConfig[] {
  const registry = registryOf(image);
  const repo = image.slice(image.includes('/') && registry !== 'docker.io' ? registry.length + 1 : 0).replace(/[:@].*$/, '');
  const hub = DOCKER_HUB.has(registry);
  const found: { score: number; auth: AuthConfig }[] = [];
  for (const secret of secrets) {
    for (const [key, e] of entries(secret)) {
      const k = keyOf(key);
      if (!(k.host === registry || (hub && DOCKER_HUB.has(k.host)))) continue;
      if (k.path && !(repo === k.path || repo.startsWith(`${k.path}/`))) continue;
      let { username, password } = e;
      if (e.auth && username === undefined) {
        const plain = Buffer.from(e.auth, 'base64').toString('utf8');
        const colon = plain.indexOf(':');
        if (colon > 0) [username, password] = [plain.slice(0, colon), plain.slice(colon + 1)];
      }
      // No serverAddress, as upstream's keyring: containerd 1.6 sends the credentials only to the host of
      // serverAddress parsed as a URL, so a bare "registry.example.com" or "localhost:5000" never gets them
      // (401) and "127.0.0.1:5000" fails to parse (the pull fails). The match above already chose them.
      found.push({
        score: k.path.length,
        auth: {
          ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}),
          ...(e.identitytoken ? { identityToken: e.identitytoken } : {}), ...(e.registrytoken ? { registryToken: e.registrytoken } : {}),
        },
      });
    }
  }
  return found.sort((a, b) => b.score - a.score).map((f) => f.auth);
}
