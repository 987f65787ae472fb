/**
 * Controller references and the claim that every workload controller makes
 * on the objects its selector matches (upstream's ControllerRefManager):
 * keep what it owns and matches, adopt orphans that match, release what it
 * owns that no longer matches, leave everything another controller owns.
 */
import type { KubeObject } from '../../api/meta.js';
import { controllerRef, ownerRefTo } from './pods.js';

export { controllerRef };
import type { LabelSelector } from '../../api/labels.js';
import { isNotFound, type Client, type Informer, type ResourceRef } from '../../client/index.js';


/**
 * An informer index by controller: the controller's uid, or `orphan/<namespace>`
 * for objects without one. Claiming then looks only at an owner's own
 * objects and the orphans of its namespace, not at every object there.
 */
export const CONTROLLER_INDEX = 'controller';
export const controllerIndex = (o: KubeObject): string[] => [controllerRef(o)?.uid ?? `orphan/${o.metadata.namespace ?? ''}`];

/** What `owner` may claim from an informer indexed by `controllerIndex`: its own objects and its namespace's orphans. */
export const claimCandidates = <T extends KubeObject>(inf: Informer<T>, owner: KubeObject): T[] => [...inf.byIndex(CONTROLLER_INDEX, owner.metadata.uid ?? ''), ...inf.byIndex(CONTROLLER_INDEX, `orphan/${owner.metadata.namespace ?? ''}`)];

/** Whether `o` is controlled by `owner`. */
export const isControlledBy = (o: KubeObject, owner: KubeObject): boolean => controllerRef(o)?.uid === owner.metadata.uid;

/** Resolves a controller reference to the owner in `lookup` if kind and uid agree. */
export function resolveControllerRef<T extends KubeObject>(o: KubeObject, kind: string, lookup: (namespace: string, name: string) => T | undefined): T | undefined {
  const ref = controllerRef(o);
  if (ref?.kind !== kind) return undefined;
  const owner = lookup(o.metadata.namespace ?? '', ref.name);
  return owner?.metadata.uid === ref.uid ? owner : undefined;
}

export interface ClaimOptions {
  readonly client: Client;
  /** The resource of the claimed objects (pods, replicasets). */
  readonly ref: ResourceRef;
  readonly owner: KubeObject;
  readonly selector: LabelSelector;
  /**
   * Re-reads the owner from the server before the first adoption: an owner
   * deleted or replaced (another uid) since the cache saw it must not adopt.
   */
  readonly ownerRef: ResourceRef;
}

/**
 * The objects `owner` controls after adopting and releasing as its selector
 * says. Adoption and release are patches with the object's resourceVersion,
 * so a concurrent change is a conflict (thrown: the caller's sync retries).
 */
export async function claim<T extends KubeObject>(objs: readonly T[], o: ClaimOptions): Promise<T[]> {
  const { owner, selector } = o;
  const ownerUid = owner.metadata.uid ?? '';
  const ownerGone = !!owner.metadata.deletionTimestamp;
  const claimed: T[] = [];
  let fresh: boolean | undefined;
  const canAdopt = async (): Promise<boolean> => {
    if (fresh === undefined) {
      try {
        const latest = await o.client.get(o.ownerRef, owner.metadata.namespace ?? '', owner.metadata.name ?? '');
        fresh = latest.metadata.uid === ownerUid && !latest.metadata.deletionTimestamp;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        fresh = false;
      }
    }
    return fresh;
  };
  for (const obj of objs) {
    if (obj.metadata.namespace !== owner.metadata.namespace) continue;
    const ref = controllerRef(obj);
    const matches = selector.matches(obj.metadata.labels);
    if (ref) {
      if (ref.uid !== ownerUid) continue;
      if (matches) claimed.push(obj);
      else if (!ownerGone && !obj.metadata.deletionTimestamp) await release(o.client, o.ref, obj, ownerUid);
      continue;
    }
    if (ownerGone || !matches || obj.metadata.deletionTimestamp) continue;
    if (!(await canAdopt())) continue;
    claimed.push(await adopt(o.client, o.ref, obj, owner));
  }
  return claimed;
}

/** Puts `owner`'s controller reference on `obj`. */
async function adopt<T extends KubeObject>(client: Client, ref: ResourceRef, obj: T, owner: KubeObject): Promise<T> {
  const refs = [...(obj.metadata.ownerReferences ?? []), ownerRefTo(owner)];
  try {
    return await client.patch<T>(ref, obj.metadata.namespace ?? '', obj.metadata.name ?? '', { metadata: { resourceVersion: obj.metadata.resourceVersion, ownerReferences: refs } });
  } catch (err) {
    // Gone meanwhile: nothing to adopt (the delete event requeues the owner).
    if (isNotFound(err)) return obj;
    throw err;
  }
}

/** Removes the reference to `ownerUid` from `obj`. */
async function release(client: Client, ref: ResourceRef, obj: KubeObject, ownerUid: string): Promise<void> {
  const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
  try {
    await client.patch(ref, obj.metadata.namespace ?? '', obj.metadata.name ?? '', { metadata: { resourceVersion: obj.metadata.resourceVersion, ownerReferences: refs.length ? refs : null } });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
