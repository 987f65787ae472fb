/**
 * A REST client of the Kubernetes API: JSON over HTTPS with keep-alive,
 * client-certificate or bearer-token credentials, errors as the Status the
 * server sent, and watch streams. Every component other than the API
 * server talks to the cluster through this.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Agent, request } from 'node:https';
import { parse as parseYAML } from 'yaml';
import type { KubeObject } from '../api/meta.js';

/** Where the API server is and how to prove who we are. */
export interface Credentials {
  /** `https://HOST:PORT` */
  readonly server: string;
  /** PEM of the cluster CA. */
  readonly ca: string;
  readonly cert?: string;
  readonly key?: string;
  readonly token?: string;
}

/** The credentials of a kubeconfig's first cluster and user (data fields, as `skiff server` writes them). */
export function credentialsFromKubeconfig(file: string): Credentials {
  type Kubeconfig = {
    clusters?: { cluster?: { server?: string; 'certificate-authority-data'?: string } }[];
    users?: { user?: { 'client-certificate-data'?: string; 'client-key-data'?: string; token?: string } }[];
  };
  const kc = parseYAML(readFileSync(file, 'utf8')) as Kubeconfig;
  const cluster = kc.clusters?.[0]?.cluster;
  const user = kc.users?.[0]?.user ?? {};
  if (!cluster?.server) throw new Error(`${file}: no cluster server`);
  const unb64 = (s: string | undefined) => (s ? Buffer.from(s, 'base64').toString('utf8') : undefined);
  const cert = unb64(user['client-certificate-data']);
  const key = unb64(user['client-key-data']);
  return { server: cluster.server, ca: unb64(cluster['certificate-authority-data']) ?? '', ...(cert ? { cert } : {}), ...(key ? { key } : {}), ...(user.token ? { token: user.token } : {}) };
}

/** A resource's coordinates, enough to build its paths. */
export interface ResourceRef {
  readonly group: string;
  readonly version: string;
  /** Plural: `pods`. */
  readonly resource: string;
  readonly namespaced: boolean;
}

/** `/api/v1/namespaces/NS/pods/NAME/SUB` and the like. */
export function pathOf(ref: ResourceRef, namespace = '', name = '', subresource = ''): string {
  const base = ref.group ? `/apis/${ref.group}/${ref.version}` : `/api/${ref.version}`;
  const ns = ref.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const n = name ? `/${encodeURIComponent(name)}` : '';
  return `${base}${ns}/${ref.resource}${n}${subresource && name ? `/${subresource}` : ''}`;
}

/** A failed request: the server's Status (code, reason, message), or the transport's error. */
export class APIStatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly status?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'APIStatusError';
  }
}

export const isNotFound = (err: unknown) => err instanceof APIStatusError && err.code === 404;
export const isConflict = (err: unknown) => err instanceof APIStatusError && err.code === 409;
export const isAlreadyExists = (err: unknown) => err instanceof APIStatusError && err.reason === 'AlreadyExists';
export const isGone = (err: unknown) => err instanceof APIStatusError && err.code === 410;

/** A list answer. */
export interface ObjectList<T> {
  items: T[];
  metadata: { resourceVersion: string; continue?: string };
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

/** One watch event; BOOKMARK events carry only `metadata.resourceVersion`. */
export interface WatchEvent<T = KubeObject> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';
const patchContentTypes: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

const query = (params: Record<string, string | number | boolean | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
};

export class Client {
  readonly #creds: Credentials;
  /** Short requests share a pool; each watch holds a connection of its own, so they use another. */
  readonly #agent: Agent;
  readonly #watchAgent: Agent;
  readonly userAgent: string;

  constructor(creds: Credentials, options: { userAgent?: string; maxSockets?: number } = {}) {
    this.#creds = creds;
    const tls = { ca: creds.ca, ...(creds.cert ? { cert: creds.cert } : {}), ...(creds.key ? { key: creds.key } : {}) };
    this.#agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 32, ...tls });
    this.#watchAgent = new Agent({ keepAlive: false, ...tls });
    this.userAgent = options.userAgent ?? 'skiff';
  }

  #headers(contentType?: string, length?: number): Record<string, string> {
    return {
      Accept: 'application/json',
      'User-Agent': this.userAgent,
      ...(this.#creds.token ? { Authorization: `Bearer ${this.#creds.token}` } : {}),
      ...(contentType ? { 'Content-Type': contentType } : {}),
      ...(length !== undefined ? { 'Content-Length': String(length) } : {}),
    };
  }

  /** One request; resolves with the decoded JSON answer, rejects with an APIStatusError. */
  async request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const { code, text } = await this.#send(method, path, body, contentType);
    const parsed = parseJSON(text);
    if (code >= 200 && code < 300) return parsed as T;
    throw statusError(code, parsed, text, `${method} ${path}`);
  }

  /** GET a text answer (`/metrics`, `/healthz`); rejects with an APIStatusError unless 2xx. */
  async text(path: string): Promise<string> {
    const { code, text } = await this.#send('GET', path, undefined, undefined, '*/*');
    if (code >= 200 && code < 300) return text;
    const parsed = parseJSON(text);
    throw statusError(code, parsed, text, `GET ${path}`);
  }

  #send(method: string, path: string, body: unknown, contentType: string | undefined, accept?: string): Promise<{ code: number; text: string }> {
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const headers = this.#headers(data === undefined ? undefined : contentType, data === undefined ? undefined : Buffer.byteLength(data));
    if (accept) headers.Accept = accept;
    return new Promise((resolve, reject) => {
      const req = request(`${this.#creds.server}${path}`, { method, agent: this.#agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ code: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', (err) => reject(new APIStatusError(0, 'ConnectionFailed', `${method} ${path}: ${err.message}`)));
      req.end(data);
    });
  }

  get<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string, name: string, subresource = ''): Promise<T> {
    return this.request<T>('GET', pathOf(ref, namespace, name, subresource));
  }

  list<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace = '', options: ListOptions = {}): Promise<ObjectList<T>> {
    return this.request<ObjectList<T>>('GET', `${pathOf(ref, namespace)}${query({ ...options })}`);
  }

  create<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string, obj: KubeObject, options: { fieldManager?: string } = {}): Promise<T> {
    return this.request<T>('POST', `${pathOf(ref, namespace)}${query(options)}`, obj);
  }

  /** PUT the object (or its `status`); a stale resourceVersion is a 409. */
  update<T extends KubeObject = KubeObject>(ref: ResourceRef, obj: KubeObject, subresource = '', options: { fieldManager?: string } = {}): Promise<T> {
    return this.request<T>('PUT', `${pathOf(ref, obj.metadata.namespace ?? '', obj.metadata.name ?? '', subresource)}${query(options)}`, obj);
  }

  patch<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string, name: string, patch: unknown, type: PatchType = 'merge', options: { subresource?: string; fieldManager?: string; force?: boolean } = {}): Promise<T> {
    const { subresource = '', ...q } = options;
    return this.request<T>('PATCH', `${pathOf(ref, namespace, name, subresource)}${query(q)}`, patch, patchContentTypes[type]);
  }

  /** DELETE one object; resolves with what the server answered (the object while it is being deleted, or a Status). */
  delete(ref: ResourceRef, namespace: string, name: string, options: { gracePeriodSeconds?: number; propagationPolicy?: 'Background' | 'Foreground' | 'Orphan'; preconditions?: { uid?: string; resourceVersion?: string } } = {}): Promise<unknown> {
    const body = Object.keys(options).length ? { apiVersion: 'v1', kind: 'DeleteOptions', ...options } : undefined;
    return this.request('DELETE', pathOf(ref, namespace, name), body);
  }

  /** POST to a subresource (pods/binding, pods/eviction). */
  post<T = unknown>(ref: ResourceRef, namespace: string, name: string, subresource: string, body: unknown): Promise<T> {
    return this.request<T>('POST', pathOf(ref, namespace, name, subresource), body);
  }

  /**
   * Watch from `resourceVersion`, calling `onEvent` for each event, until the
   * stream ends (resolves), `signal` aborts (resolves) or the request fails
   * (rejects; an `ERROR` event is passed on and ends the watch with its Status).
   */
  watch<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string, options: ListOptions & { allowWatchBookmarks?: boolean; timeoutSeconds?: number }, onEvent: (e: WatchEvent<T>) => void, signal: AbortSignal): Promise<void> {
    const path = `${pathOf(ref, namespace)}${query({ ...options, watch: true })}`;
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      let settled = false;
      const finish = (err?: Error) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      const req = request(`${this.#creds.server}${path}`, { method: 'GET', agent: this.#watchAgent, headers: this.#headers() }, (res: IncomingMessage) => {
        if ((res.statusCode ?? 0) !== 200) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const parsed = parseJSON(text);
            finish(statusError(res.statusCode ?? 0, parsed, text, `watch ${path}`));
          });
          return;
        }
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let nl: number;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl);
            buffered = buffered.slice(nl + 1);
            if (!line.trim()) continue;
            const e = JSON.parse(line) as WatchEvent<T>;
            if (e.type === 'ERROR') {
              const s = e.object as unknown as { code?: number; reason?: string; message?: string };
              finish(new APIStatusError(s.code ?? 500, s.reason ?? '', s.message ?? 'watch error', e.object));
              req.destroy();
              return;
            }
            onEvent(e);
          }
        });
        res.on('end', () => finish());
        res.on('error', (err) => finish(settled || signal.aborted ? undefined : err));
      });
      const onAbort = () => {
        req.destroy();
        finish();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => finish(signal.aborted ? undefined : new APIStatusError(0, 'ConnectionFailed', `watch ${path}: ${err.message}`)));
      req.end();
    });
  }

  /** Closes idle connections; open watches end with their signals. */
  close(): void {
    this.#agent.destroy();
    this.#watchAgent.destroy();
  }
}

/** `text` as JSON, or undefined if it is empty or not JSON. */
function parseJSON(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function statusError(code: number, parsed: unknown, text: string, what: string): APIStatusError {
  const s = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { reason?: string; message?: string };
  return new APIStatusError(code, s.reason ?? '', s.message ?? `${what}: HTTP ${String(code)}: ${text.slice(0, 200)}`, parsed as Record<string, unknown> | undefined);
}
