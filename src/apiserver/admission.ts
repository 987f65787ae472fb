import type { KubeObject } from '../api/meta.js';
import { APIError } from './errors.js';
import type { HandlerContext } from './handlers/context.js';
import { decode } from './watchcache.js';

/** The namespace an object is created in, from the cache or (on a miss) the store. */
async function findNamespace(ctx: HandlerContext, name: string): Promise<KubeObject | undefined> {
  const key = `/registry/namespaces/${name}`;
  const ns = ctx.registry.find('', 'v1', 'namespaces');
  const hit = ns?.cache.get(key);
  if (hit) return hit.object;
  const kv = await ctx.store.get(key);
  return kv ? decode(kv).object : undefined;
}

/**
 * Upstream's NamespaceLifecycle admission: creating in a missing namespace is
 * 404, in a terminating one 403.
 */
export async function admitNamespace(ctx: HandlerContext, namespace: string): Promise<void> {
  const ns = await findNamespace(ctx, namespace);
  if (!ns) throw new APIError('NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
  if (ns.metadata.deletionTimestamp)
    throw new APIError('Forbidden', `unable to create new content in namespace ${namespace} because it is being terminated`, { name: namespace, kind: 'namespaces' });
}

/** Namespaces that may never be deleted, as upstream. */
export const immortalNamespaces: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public']);
