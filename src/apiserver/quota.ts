/**
 * ResourceQuota admission, as upstream's: a create in a namespace with
 * quotas is refused (403) if it would take any quota's usage past its hard
 * limit, or if a compute quota applies to a pod that does not state that
 * resource; otherwise its usage is charged to each quota's `status.used`
 * (compare-and-swap) before the object is stored, so that concurrent
 * creates cannot overshoot. The resource quota controller recounts later.
 */
import type { KubeObject } from '../api/meta.js';
import type { ResourceDef } from '../api/resource.js';
import { quantityValue } from '../api/quantity.js';
import { formatUsage, quotaMatches, usageOf } from '../api/core/quota-usage.js';
import { isConflict } from '../storage/errors.js';
import { APIError } from './errors.js';
import type { HandlerContext } from './handlers/context.js';
import { decode } from './watchcache.js';

interface Quota extends KubeObject {
  spec?: { hard?: Record<string, string>; scopes?: string[] };
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
}

/** Compute names a pod must state in each container when a quota limits them. */
const mustSpecify = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory', 'cpu', 'memory'];

const pretty = (m: Map<string, number>) =>
  [...m]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${formatUsage(k, v)}`)
    .join(',');

/** Containers of a pod that leave `name` (`requests.cpu`, or legacy `cpu`) unset. */
function missing(pod: KubeObject, name: string): string[] {
  const [which, resource] = name.includes('.') ? (name.split('.', 2) as [string, string]) : ['requests', name];
  type Container = { name: string; resources?: Record<string, Record<string, unknown> | undefined> };
  const spec = (pod.spec ?? {}) as { containers?: Container[]; initContainers?: Container[] };
  return [...(spec.containers ?? []), ...(spec.initContainers ?? [])].filter((c) => c.resources?.[which]?.[resource] === undefined).map((c) => c.name).sort();
}

/** Admit a create of `obj` against the quotas of its namespace; charges them (throws 403 Forbidden otherwise). */
export async function admitQuota(ctx: HandlerContext, def: ResourceDef, obj: KubeObject): Promise<void> {
  if (!def.namespaced || def.storedAs) return;
  const quotas = ctx.registry.find('', 'v1', 'resourcequotas');
  const ns = obj.metadata.namespace ?? '';
  const entries = quotas?.cache.list(`${quotas.prefix}${ns}/`) ?? [];
  if (!quotas || entries.length === 0) return;
  const usage = usageOf(def.group, def.resource, obj);
  const forbidden = (msg: string) => new APIError('Forbidden', `${def.group ? `${def.resource}.${def.group}` : def.resource} "${obj.metadata.name ?? ''}" is forbidden: ${msg}`, { name: obj.metadata.name ?? '', group: def.group, kind: def.resource });
  const charges: { key: string; add: Map<string, number> }[] = [];
  for (const { key, object } of entries) {
    const q = object as Quota;
    if (!quotaMatches(q, def.group, def.resource, obj)) continue;
    const hard = q.spec?.hard ?? {};
    const requested = new Map([...usage].filter(([k]) => k in hard));
    if (def.group === '' && def.resource === 'pods' && usage.size > 0) {
      const unstated = mustSpecify.filter((n) => n in hard).sort().map((n) => [n, missing(obj, n)] as const).filter(([, cs]) => cs.length > 0);
      if (unstated.length > 0) throw forbidden(`failed quota: ${q.metadata.name ?? ''}: must specify ${unstated.map(([n, cs]) => `${n} for: ${cs.join(',')}`).join('; ')}`);
    }
    if (requested.size === 0) continue;
    const unknown = [...requested.keys()].filter((k) => q.status?.hard?.[k] === undefined);
    if (unknown.length > 0) throw forbidden(`status unknown for quota: ${q.metadata.name ?? ''}, resources: ${unknown.sort().join(',')}`);
    const used = (k: string) => quantityValue(q.status?.used?.[k]) ?? 0;
    const over = [...requested.keys()].filter((k) => used(k) + (requested.get(k) ?? 0) > (quantityValue(hard[k]) ?? 0));
    if (over.length > 0) {
      const pick = (f: (k: string) => number) => new Map(over.map((k) => [k, f(k)]));
      throw forbidden(`exceeded quota: ${q.metadata.name ?? ''}, requested: ${pretty(pick((k) => requested.get(k) ?? 0))}, used: ${pretty(pick(used))}, limited: ${pretty(pick((k) => quantityValue(hard[k]) ?? 0))}`);
    }
    charges.push({ key, add: requested });
  }
  for (const c of charges) await charge(ctx, quotas.codec, c.key, c.add);
}

/** Add `add` to a quota's `status.used`, retrying on a concurrent write. */
async function charge(ctx: HandlerContext, codec: { encode(o: KubeObject): string }, key: string, add: Map<string, number>): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const kv = await ctx.store.get(key);
    if (!kv) return; // the quota went away meanwhile
    const q = decode(kv).object as Quota;
    const used = { ...(q.status?.used ?? {}) };
    for (const [k, v] of add) used[k] = formatUsage(k, (quantityValue(used[k]) ?? 0) + v);
    q.status = { ...(q.status ?? {}), used };
    delete q.metadata.resourceVersion;
    try {
      await ctx.store.update(key, codec.encode(q), kv.modRevision);
      return;
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }
  throw new APIError('Conflict', 'Operation cannot be fulfilled on resourcequotas: too many concurrent updates');
}
