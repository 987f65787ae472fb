/**
 * What the API server serves, read through discovery as upstream's
 * controllers read it: the namespace controller and the garbage collector
 * act on every resource, custom ones included, so they ask rather than use
 * a fixed list.
 */
import type { Client, ResourceRef } from '../../client/index.js';

/** A served resource with the verbs it supports. */
export interface ServedResource extends ResourceRef {
  readonly kind: string;
  readonly verbs: readonly string[];
}

interface APIResourceList {
  readonly groupVersion: string;
  readonly resources: readonly { name: string; kind: string; namespaced: boolean; verbs: readonly string[] }[];
}
interface APIGroupList {
  readonly groups: readonly { name: string; preferredVersion?: { version: string }; versions: readonly { version: string }[] }[];
}

/**
 * Every top-level resource at the preferred version of its group (as
 * upstream's ServerPreferredResources). A group version whose discovery
 * fails is reported in `failed` and left out, as upstream's partial result.
 */
export async function preferredResources(client: Client): Promise<{ resources: ServedResource[]; failed: string[] }> {
  const groups = await client.request<APIGroupList>('GET', '/apis');
  const versions = [{ group: '', version: 'v1' }, ...groups.groups.map((g) => ({ group: g.name, version: g.preferredVersion?.version ?? g.versions[0]?.version ?? '' }))];
  const resources: ServedResource[] = [];
  const failed: string[] = [];
  await Promise.all(
    versions.map(async ({ group, version }) => {
      const gv = group ? `${group}/${version}` : version;
      try {
        const list = await client.request<APIResourceList>('GET', group ? `/apis/${gv}` : '/api/v1');
        for (const r of list.resources) if (!r.name.includes('/')) resources.push({ group, version, resource: r.name, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs });
      } catch {
        failed.push(gv);
      }
    }),
  );
  return { resources, failed: failed.sort() };
}

/** True if a resource supports every one of `verbs`. */
export const supports = (r: ServedResource, ...verbs: string[]) => verbs.every((v) => r.verbs.includes(v));

/** `group/resource`, or `resource` for the core group: how upstream names a resource in messages. */
export const groupResource = (r: ResourceRef) => (r.group ? `${r.resource}.${r.group}` : r.resource);
