/**
 * The namespace controller: empties a Terminating namespace of every
 * namespaced resource the API serves (custom resources included, found
 * through discovery), reports progress in the namespace's deletion
 * conditions, then lets go of the `kubernetes` finalizer through
 * `namespaces/finalize` so that the API server removes the namespace, as
 * kube-controller-manager's namespace controller does.
 */
import type { KubeObject } from '../api/meta.js';
import { namespaces, pods } from '../api/core/index.js';
import { isConflict, isNotFound, keyOf, WorkQueue, type Client } from '../client/index.js';
import type { Controller, ControllerContext } from './controller.js';
import { groupResource, preferredResources, supports, type ServedResource } from './util/discovery.js';
import { runQueue, setCondition, type Condition } from './util/run.js';

/** The finalizer the namespace controller owns in `spec.finalizers`. */
export const kubernetesFinalizer = 'kubernetes';

export interface NamespaceControllerOptions {
  /**
   * How long after a namespace turns Terminating its content is deleted
   * (upstream's 5 s: admission caches catch up, and a client deleting a
   * manifest's namespace and then its content still finds it).
   */
  readonly deletionDelayMs?: number;
  readonly now?: () => Date;
}

interface NamespaceSpec {
  finalizers?: string[];
}
interface NamespaceStatus {
  phase?: string;
  conditions?: Condition[];
}

/** What one pass over a namespace's content found. */
interface ContentReport {
  /** Seconds until the rest is likely gone (graceful pods); 0 when nothing waits on time. */
  estimate: number;
  remaining: boolean;
  conditions: Condition[];
}

/** The namespace controller (`namespace` in upstream's `--controllers`). */
export function newNamespaceController(options: NamespaceControllerOptions = {}): Controller {
  const delay = options.deletionDelayMs ?? 5000;
  const now = options.now ?? (() => new Date());
  return {
    name: 'namespace',
    async run(ctx: ControllerContext) {
      const informer = ctx.informers.for(namespaces);
      const queue = new WorkQueue<string>();
      const enqueue = (ns: KubeObject) => {
        if (ns.metadata.deletionTimestamp) queue.addAfter(keyOf(ns), delay);
      };
      informer.on({ add: enqueue, update: (_, ns) => enqueue(ns) });
      if (!(await ctx.informers.synced())) return;
      await runQueue(ctx, 'namespace', queue, 2, async (name) => {
        const ns = informer.get(name);
        if (!ns?.metadata.deletionTimestamp) return;
        const wait = await syncNamespace(ctx.client, structuredClone(ns), now);
        if (wait > 0) queue.addAfter(name, wait * 1000);
      });
    },
  };
}

/** One pass over a terminating namespace; returns the seconds to wait before the next pass (0: done). */
async function syncNamespace(client: Client, ns: KubeObject, now: () => Date): Promise<number> {
  const name = ns.metadata.name ?? '';
  const finalizers = (ns.spec as NamespaceSpec | undefined)?.finalizers ?? [];
  if (!finalizers.includes(kubernetesFinalizer)) return 0;
  const report = await deleteContent(client, name, now());
  await writeConditions(client, name, report.conditions);
  if (report.remaining) return Math.max(report.estimate, 1);
  try {
    await client.update(namespaces, { ...ns, spec: { ...(ns.spec as object), finalizers: finalizers.filter((f) => f !== kubernetesFinalizer) } }, 'finalize');
  } catch (err) {
    if (isNotFound(err)) return 0;
    throw err; // a conflict: the next pass reads the namespace again
  }
  return 0;
}

/** Delete every namespaced resource in `namespace` and say what is left, as the namespaced-resources deleter. */
async function deleteContent(client: Client, namespace: string, at: Date): Promise<ContentReport> {
  const { resources, failed } = await preferredResources(client);
  const deletable = resources.filter((r) => r.namespaced && supports(r, 'list', 'delete'));
  const errors: string[] = [];
  const remaining = new Map<string, number>();
  const finalizers = new Map<string, number>();
  let estimate = 0;
  await Promise.all(
    deletable.map(async (r) => {
      try {
        const left = await deleteAll(client, r, namespace);
        if (left.length) remaining.set(`${groupResource(r)}${r.group ? '' : '.'}`, left.length);
        for (const o of left) {
          for (const f of o.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
          if (r.resource === pods.resource && !r.group) estimate = Math.max(estimate, podEstimate(o, at));
        }
      } catch (err) {
        errors.push(`${groupResource(r)}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }),
  );
  const list = (m: Map<string, number>, form: (k: string, n: number) => string) =>
    [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => form(k, n)).join(', ');
  const cond = (type: string, failing: boolean, reason: [string, string], message: [string, string]): Condition => ({
    type,
    status: failing ? 'True' : 'False',
    reason: failing ? reason[0] : reason[1],
    message: failing ? message[0] : message[1],
  });
  let conditions: Condition[] = [];
  const set = (c: Condition) => (conditions = setCondition(conditions, c, at));
  set(cond('NamespaceDeletionDiscoveryFailure', failed.length > 0, ['DiscoveryFailed', 'ResourcesDiscovered'], [`Discovery failed for some groups, ${failed.length} failing: ${failed.join(', ')}`, 'All resources successfully discovered']));
  set(cond('NamespaceDeletionGroupVersionParsingFailure', false, ['GroupVersionParsingFailed', 'ParsedGroupVersions'], ['', 'All legacy kube types successfully parsed']));
  set(cond('NamespaceDeletionContentFailure', errors.length > 0, ['ContentDeletionFailed', 'ContentDeleted'], [`Failed to delete all resource types, ${errors.length} remaining: ${errors.sort().join(', ')}`, 'All content successfully deleted, may be waiting on finalization']));
  set(cond('NamespaceContentRemaining', remaining.size > 0, ['SomeResourcesRemain', 'ContentRemoved'], [`Some resources are remaining: ${list(remaining, (k, n) => `${k} has ${n} resource instances`)}`, 'All content successfully removed']));
  set(cond('NamespaceFinalizersRemaining', finalizers.size > 0, ['SomeFinalizersRemain', 'ContentHasNoFinalizers'], [`Some content in the namespace has finalizers remaining: ${list(finalizers, (k, n) => `${k} in ${n} resource instances`)}`, 'All content-preserving finalizers finished']));
  // A failed discovery or deletion leaves content unseen: not done, even if nothing was listed.
  return { estimate, remaining: remaining.size > 0 || errors.length > 0 || failed.length > 0, conditions };
}

/** Delete a resource's objects in the namespace (deletecollection where served) and list what is left. */
async function deleteAll(client: Client, r: ServedResource, namespace: string): Promise<KubeObject[]> {
  if (supports(r, 'deletecollection')) await client.request('DELETE', pathOfCollection(r, namespace));
  else {
    const { items } = await client.list(r, namespace);
    for (const o of items) await client.delete(r, namespace, o.metadata.name ?? '').catch(ignoreGone);
  }
  return (await client.list(r, namespace)).items;
}

const pathOfCollection = (r: ServedResource, namespace: string) => `${r.group ? `/apis/${r.group}/${r.version}` : '/api/v1'}/namespaces/${encodeURIComponent(namespace)}/${r.resource}`;

/** Seconds until a terminating pod's grace period ends (how long the namespace still waits on it). */
function podEstimate(pod: KubeObject, at: Date): number {
  const ts = pod.metadata.deletionTimestamp;
  if (!ts) return 0;
  return Math.max(0, Math.ceil((Date.parse(ts) - at.getTime()) / 1000));
}

const ignoreGone = (err: unknown) => {
  if (!isNotFound(err) && !isConflict(err)) throw err;
};

/** Write the deletion conditions through the status subresource when they changed. */
async function writeConditions(client: Client, name: string, conditions: Condition[]): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    let ns: KubeObject;
    try {
      ns = await client.get(namespaces, '', name);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    const status = (ns.status ?? {}) as NamespaceStatus;
    let next = status.conditions ?? [];
    for (const c of conditions) next = setCondition(next, c, new Date(c.lastTransitionTime ?? Date.now()));
    if (JSON.stringify(next) === JSON.stringify(status.conditions ?? [])) return;
    try {
      await client.update(namespaces, { ...ns, status: { ...status, phase: 'Terminating', conditions: next } }, 'status');
      return;
    } catch (err) {
      if (isNotFound(err)) return;
      if (!isConflict(err)) throw err;
    }
  }
}
