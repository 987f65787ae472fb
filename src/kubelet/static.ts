/**
 * Static pods, as upstream's kubelet file source (pkg/kubelet/config):
 * one pod per file in `--pod-manifest-path` (YAML or JSON, dotfiles
 * ignored), read again every 20 s and on change. Each gets the node's name
 * appended to its own, `default` as namespace if it has none, a uid that
 * hashes the file, and the `kubernetes.io/config.*` annotations.
 *
 * Unlike upstream, the kubelet does not run static pods from the files: this
 * source keeps a mirror pod for each in the API (owned by the Node, with
 * `kubernetes.io/config.mirror`), and the kubelet runs the mirror like any
 * pod bound to it. The kubelet keys a mirror's containers by the static
 * pod's uid (its config hash), so a mirror deleted through the API is made
 * again without restarting them; a changed file is a new hash (the old pod
 * stops, the new one starts), and a removed file deletes the mirror.
 */
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYAML } from 'yaml';
import { pods as podsRef } from '../api/core/index.js';
import type { KubeObject } from '../api/meta.js';
import { Informer, isAlreadyExists, isConflict, isNotFound, type Client } from '../client/index.js';
import { discardLogger, type Logger } from '../log.js';
import type { Pod } from './pod/types.js';

/** Upstream's annotation keys (pkg/kubelet/types). */
export const CONFIG_SOURCE_ANNOTATION = 'kubernetes.io/config.source';
export const CONFIG_HASH_ANNOTATION = 'kubernetes.io/config.hash';
export const CONFIG_SEEN_ANNOTATION = 'kubernetes.io/config.seen';
export const CONFIG_MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

/** Upstream's fileCheckFrequency. */
const FILE_CHECK_MS = 20_000;
/** A mirror waiting to be made (its name still held by the pod it replaces) is tried again this soon. */
const RETRY_MS = 1000;

/** A manifest read from the directory: the pod as the kubelet runs it, or why it is skipped. */
export type Manifest = { readonly file: string; readonly pod: Pod; readonly hash: string } | { readonly file: string; readonly error: string };

/** The config hash of a mirror pod (the static pod's uid), or undefined for any other pod. */
export function mirrorHash(pod: KubeObject): string | undefined {
  return pod.metadata.annotations?.[CONFIG_MIRROR_ANNOTATION];
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Parse one manifest and apply upstream's defaults for a file source: the
 * uid hashes node, file and content; the name gets `-<node>`; the pod is
 * bound to the node and tolerates every NoExecute taint. `seen` is when this
 * content was first read. Errors are data, for the caller to log.
 */
export function staticPod(file: string, text: string, nodeName: string, seen: string): Manifest {
  let doc: unknown;
  try {
    doc = parseYAML(text);
  } catch (err) {
    return { file, error: `not YAML or JSON: ${err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err)}` };
  }
  const invalid = (error: string): Manifest => ({ file, error });
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return invalid('want one Pod object per file');
  const obj = doc as Partial<Pod>;
  if (obj.kind !== 'Pod' || obj.apiVersion !== 'v1') return invalid(`want apiVersion v1 and kind Pod, got ${String(obj.apiVersion)} ${String(obj.kind)}`);
  const name = obj.metadata?.name;
  if (typeof name !== 'string' || !name) return invalid('metadata.name is required');
  const podName = `${name}-${nodeName.toLowerCase()}`;
  if (podName.length > 253 || !DNS_SUBDOMAIN.test(podName)) return invalid(`metadata.name "${podName}" is not a DNS subdomain (lower case letters, digits, "-" and ".")`);
  // Validated as the API server would (upstream's kubelet runs ValidatePod on the defaulted pod).
  const defaulted = structuredClone(obj) as KubeObject;
  podsRef.defaults?.(defaulted);
  const errs = podsRef.validate?.(defaulted) ?? [];
  if (errs.length > 0) return invalid(errs.map((e) => `${e.field}: ${e.message}`).join('; '));
  // Upstream hashes "host:<node>", "file:<path>" and the decoded pod; the parsed content stands in for the latter.
  const hash = createHash('md5').update(`host:${nodeName}`).update(`file:${file}`).update(JSON.stringify(doc)).digest('hex');
  const meta = obj.metadata ?? {};
  const tolerations = [...((obj.spec as { tolerations?: unknown[] } | undefined)?.tolerations ?? []), { operator: 'Exists', effect: 'NoExecute' }];
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...meta,
      name: podName,
      namespace: meta.namespace || 'default',
      uid: hash,
      annotations: { ...meta.annotations, [CONFIG_HASH_ANNOTATION]: hash, [CONFIG_SEEN_ANNOTATION]: seen, [CONFIG_SOURCE_ANNOTATION]: 'file' },
    },
    spec: { ...obj.spec, nodeName, tolerations } as NonNullable<Pod['spec']>,
  };
  return { file, pod, hash };
}

/** The mirror pod of a static pod: its copy in the API, owned by the Node, marked with the config hash. */
export function mirrorPod(pod: Pod, hash: string, node: { readonly name: string; readonly uid: string }): Pod {
  const { uid: _uid, resourceVersion: _rv, ...meta } = pod.metadata;
  return {
    ...pod,
    metadata: {
      ...meta,
      annotations: { ...meta.annotations, [CONFIG_MIRROR_ANNOTATION]: hash },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.name, uid: node.uid, controller: true }],
    },
  };
}

/** Read every manifest in `dir` (dotfiles and subdirectories skipped, as upstream), in name order. */
export async function readManifests(dir: string, nodeName: string, seenOf: (hash: string) => string): Promise<Manifest[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: Manifest[] = [];
  for (const e of entries.filter((x) => !x.name.startsWith('.') && (x.isFile() || x.isSymbolicLink())).sort((a, b) => a.name.localeCompare(b.name))) {
    const file = join(dir, e.name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      out.push({ file, error: `cannot read: ${(err as Error).message}` });
      continue;
    }
    // The seen time belongs to the content: read once with a placeholder to learn the hash, then stamped.
    const first = staticPod(file, text, nodeName, '');
    out.push('hash' in first ? staticPod(file, text, nodeName, seenOf(first.hash)) : first);
  }
  return out;
}

/** Options of {@link newStaticPods}. */
export interface StaticPodsOptions {
  readonly client: Client;
  readonly node: { readonly name: string; readonly uid: string };
  /** `--pod-manifest-path`. */
  readonly dir: string;
  /** How often the directory is read besides on change (default 20 s, upstream's fileCheckFrequency). */
  readonly checkMs?: number;
  readonly log?: Logger;
  readonly now?: () => number;
}

/** The node's static pods: which config hashes are current (for the kubelet), and the loop that keeps their mirrors. */
export interface StaticPods {
  /** True if `hash` is the config hash of a static pod in the directory now. */
  has(hash: string): boolean;
  /** True once the directory was read (before that no mirror is known to be stale). */
  readonly ready: boolean;
  /** Keep the mirror pods until `signal` aborts. */
  run(signal: AbortSignal): Promise<void>;
}

/**
 * The static pod source of `o.dir`.
 *
 * @example
 * const statics = newStaticPods({ client, node: { name: 'node-1', uid }, dir: '/etc/skiff/manifests' });
 * await Promise.all([statics.run(signal), runKubelet({ ...options, staticPods: statics }, signal)]);
 */
export function newStaticPods(o: StaticPodsOptions): StaticPods {
  const log = o.log ?? discardLogger;
  const now = o.now ?? Date.now;
  let hashes = new Set<string>();
  let ready = false;
  const seen = new Map<string, string>();
  const seenOf = (hash: string) => {
    let at = seen.get(hash);
    if (at === undefined) seen.set(hash, (at = new Date(now()).toISOString()));
    return at;
  };
  /** Last error logged per file, so an invalid manifest is reported once per change, not every 20 s. */
  const reported = new Map<string, string>();

  const run = async (signal: AbortSignal): Promise<void> => {
    const informer = new Informer<Pod>(o.client, podsRef, { fieldSelector: `spec.nodeName=${o.node.name}`, onError: (err) => log.warn('mirror pod watch', { err }) });
    let wake: (() => void) | undefined;
    const kick = () => wake?.();
    // A mirror deleted or replaced through the API is made again at once.
    informer.on({ add: () => undefined, update: () => undefined, delete: (p) => { if (mirrorHash(p) !== undefined) kick(); } });
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(o.dir, () => kick());
      watcher.on('error', () => undefined);
    } catch (err) {
      log.warn('cannot watch the manifest dir; reading it every 20 s', { dir: o.dir, err });
    }
    signal.addEventListener('abort', kick, { once: true });
    const informing = informer.run(signal);
    try {
      if (!(await informer.synced(signal))) return;
      while (!signal.aborted) {
        const pending = await sync(informer).catch((err: unknown) => {
          log.warn('static pod sync failed', { err });
          return true;
        });
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pending ? RETRY_MS : (o.checkMs ?? FILE_CHECK_MS));
          wake = () => { clearTimeout(timer); resolve(); };
        });
        wake = undefined;
      }
    } finally {
      watcher?.close();
      signal.removeEventListener('abort', kick);
      await informing;
    }
  };

  /** One pass: read the directory, delete stale mirrors, make missing ones. Resolves true while something waits. */
  const sync = async (informer: Informer<Pod>): Promise<boolean> => {
    let manifests: Manifest[];
    try {
      manifests = await readManifests(o.dir, o.node.name, seenOf);
    } catch (err) {
      // A missing directory holds no static pods (upstream logs and waits for it as well).
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      manifests = [];
    }
    const desired = new Map<string, { pod: Pod; hash: string; file: string }>();
    for (const m of manifests) {
      if ('error' in m) {
        if (reported.get(m.file) !== m.error) log.warn('skipping invalid static pod manifest', { file: m.file, reason: m.error });
        reported.set(m.file, m.error);
        continue;
      }
      reported.delete(m.file);
      const key = `${m.pod.metadata.namespace ?? ''}/${m.pod.metadata.name ?? ''}`;
      const other = desired.get(key);
      if (other) {
        log.warn('skipping a static pod whose name another manifest has', { file: m.file, pod: key, first: other.file });
        continue;
      }
      desired.set(key, m);
    }
    // The kubelet learns which hashes are current before any mirror of an old one goes.
    hashes = new Set([...desired.values()].map((d) => d.hash));
    for (const h of seen.keys()) if (!hashes.has(h)) seen.delete(h);
    ready = true;
    let pending = false;
    const mirrors = new Map(informer.list().filter((p) => mirrorHash(p) !== undefined).map((p) => [`${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}`, p]));
    for (const [key, mirror] of mirrors) {
      const want = desired.get(key);
      if (want && want.hash === mirrorHash(mirror)) {
        if (mirror.metadata.deletionTimestamp) pending = true;
        continue;
      }
      if (mirror.metadata.deletionTimestamp) {
        pending ||= want !== undefined;
        continue;
      }
      log.info(want ? 'static pod changed; replacing its mirror pod' : 'static pod removed; deleting its mirror pod', { pod: key });
      await o.client.delete(podsRef, mirror.metadata.namespace ?? '', mirror.metadata.name ?? '', { preconditions: { uid: mirror.metadata.uid ?? '' } }).catch((err: unknown) => {
        if (!isNotFound(err) && !isConflict(err)) throw err;
      });
      pending ||= want !== undefined;
    }
    for (const [key, want] of desired) {
      if (mirrors.has(key)) continue;
      try {
        await o.client.create(podsRef, want.pod.metadata.namespace ?? 'default', mirrorPod(want.pod, want.hash, o.node));
        log.info('mirror pod created', { pod: key, file: want.file });
      } catch (err) {
        // The name is still held (the old mirror finishing, or a pod of the same name): tried again shortly.
        if (!isAlreadyExists(err)) throw err;
        pending = true;
      }
    }
    return pending;
  };

  return {
    has: (hash) => hashes.has(hash),
    get ready() {
      return ready;
    },
    run,
  };
}
