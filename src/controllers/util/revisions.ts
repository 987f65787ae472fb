/**
 * ControllerRevisions: the history the DaemonSet and StatefulSet
 * controllers keep of their pod templates, as upstream's controller
 * history. Each revision's `data` is the strategic-merge patch that puts
 * the template back (`kubectl rollout undo` applies it), its name is
 * `<owner>-<hash of data>`, and `revision` numbers grow with each template
 * the owner has had. Pods carry the name of their revision in the
 * `controller-revision-hash` label.
 */
import type { KubeObject } from '../../api/meta.js';
import { controllerRevisions } from '../../api/apps/index.js';
import { isAlreadyExists, type Client, type ResourceRef } from '../../client/index.js';
import { computeHash, semanticEqual } from './hash.js';
import { ownerRefTo } from './pods.js';
import type { PodTemplate } from './types.js';

/** The label on pods (and revisions) naming the revision they come from. */
export const REVISION_LABEL = 'controller-revision-hash';

export interface ControllerRevision extends KubeObject {
  data: unknown;
  revision: number;
}

/** The patch a revision stores: the whole template, replacing what is there. */
export const templatePatch = (template: PodTemplate | undefined): unknown => ({ spec: { template: { ...(template ?? {}), $patch: 'replace' } } });

/** Upstream's ControllerRevisionName: `<prefix>-<hash>`, the prefix cut to leave room. */
export const revisionName = (prefix: string, hash: string): string => `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;

/** Revisions ordered by revision number, then name. */
export const sortRevisions = (revs: readonly ControllerRevision[]): ControllerRevision[] => [...revs].sort((a, b) => a.revision - b.revision || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));

const sameData = (a: ControllerRevision, b: unknown): boolean => semanticEqual(a.data, b);

export interface RevisionSync {
  readonly client: Client;
  readonly owner: KubeObject & { spec: { template?: PodTemplate } };
  /** The owner's resource, to bump `status.collisionCount` on a name clash. */
  readonly ownerRef: ResourceRef;
  /** The owner's revisions (already claimed). */
  readonly revisions: readonly ControllerRevision[];
  /** Labels for a new revision (the template's labels). */
  readonly labels: Record<string, string>;
  readonly collisionCount: number;
}

/**
 * The revision of the owner's current template, creating it (or renumbering
 * an equal older one to the newest) as needed. A name taken by a revision
 * with other data is a hash collision: the owner's collisionCount goes up
 * and the call throws so that the sync retries with a new name.
 */
export async function updateRevision(s: RevisionSync): Promise<ControllerRevision> {
  const sorted = sortRevisions(s.revisions);
  const data = templatePatch(s.owner.spec.template);
  const next = (sorted.at(-1)?.revision ?? 0) + 1;
  const equal = sorted.filter((r) => sameData(r, data));
  const last = sorted.at(-1);
  const found = equal.at(-1);
  if (found) {
    if (found === last) return found;
    return s.client.update<ControllerRevision>(controllerRevisions, { ...structuredClone(found), revision: next });
  }
  const ns = s.owner.metadata.namespace ?? '';
  const name = revisionName(s.owner.metadata.name ?? '', computeHash(data, s.collisionCount));
  const rev: ControllerRevision = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    // The owner's annotations go along: `kubectl rollout history` reads kubernetes.io/change-cause here.
    metadata: { name, namespace: ns, labels: { ...s.labels, [REVISION_LABEL]: name.slice(name.lastIndexOf('-') + 1) }, ...(s.owner.metadata.annotations ? { annotations: s.owner.metadata.annotations } : {}), ownerReferences: [ownerRefTo(s.owner)] },
    data,
    revision: next,
  };
  try {
    return await s.client.create<ControllerRevision>(controllerRevisions, ns, rev);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    const existing = await s.client.get<ControllerRevision>(controllerRevisions, ns, name);
    if (sameData(existing, data) && existing.metadata.ownerReferences?.some((r) => r.uid === s.owner.metadata.uid)) return existing;
    await s.client.patch(s.ownerRef, ns, s.owner.metadata.name ?? '', { status: { collisionCount: s.collisionCount + 1 } }, 'merge', { subresource: 'status' });
    throw new Error(`hash collision on ControllerRevision ${name}: collisionCount raised`, { cause: err });
  }
}

/**
 * Deletes the oldest revisions beyond `limit`, never one in `live` (names
 * used by pods, the current and the update revision).
 */
export async function truncateHistory(client: Client, revisions: readonly ControllerRevision[], live: ReadonlySet<string>, limit: number): Promise<void> {
  const dead = sortRevisions(revisions).filter((r) => !live.has(r.metadata.name ?? ''));
  const excess = dead.length - limit;
  for (const r of dead.slice(0, Math.max(0, excess))) await client.delete(controllerRevisions, r.metadata.namespace ?? '', r.metadata.name ?? '').catch(() => {});
}
