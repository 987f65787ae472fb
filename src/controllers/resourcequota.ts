/**
 * The resource quota controller: keeps each ResourceQuota's `status.hard`
 * (its spec) and `status.used` (what the namespace's objects charge, by
 * the rules of api/core/quota-usage.ts) current. The API server's quota
 * admission charges creates as they happen; this recount corrects the
 * charge once objects go away or a create failed after admission.
 */
import { allResources } from '../api/index.js';
import { configMaps, persistentVolumeClaims, pods, replicationControllers, resourceQuotas, secrets, services } from '../api/core/index.js';
import { countedResource, formatUsage, quotaMatches, usageOf } from '../api/core/quota-usage.js';
import type { KubeObject } from '../api/meta.js';
import { indexers, keyOf, WorkQueue, type Informer } from '../client/index.js';
import type { Controller } from './controller.js';
import { runQueue } from './util/run.js';

interface ResourceQuota extends KubeObject {
  spec?: { hard?: Record<string, string>; scopes?: string[] };
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
}

/** New resource quota controller. */
export function newResourceQuotaController(): Controller {
  return {
    name: 'resourcequota',
    async run(ctx) {
      const quotaRef = resourceQuotas;
      const quotas = ctx.informers.for<ResourceQuota>(quotaRef).addIndex('namespace', indexers.namespace);
      // The kinds counted most often are watched; other `count/…` kinds are listed when a quota names them.
      const watched = new Map<string, Informer>();
      for (const def of [pods, services, configMaps, secrets, persistentVolumeClaims, replicationControllers, quotaRef]) watched.set(`${def.group}/${def.resource}`, ctx.informers.for(def).addIndex('namespace', indexers.namespace));
      const queue = new WorkQueue();
      const enqueueNamespace = (o: KubeObject) => {
        for (const q of quotas.byIndex('namespace', o.metadata.namespace ?? '')) queue.add(keyOf(q));
      };
      quotas.on({ add: (q) => queue.add(keyOf(q)), update: (_, q) => queue.add(keyOf(q)) });
      for (const inf of watched.values()) inf.on({ add: enqueueNamespace, update: (_, o) => enqueueNamespace(o), delete: enqueueNamespace });
      if (!(await ctx.informers.synced())) return;

      const objectsOf = async (group: string, resource: string, namespace: string): Promise<KubeObject[]> => {
        const inf = watched.get(`${group}/${resource}`);
        if (inf) return inf.byIndex('namespace', namespace);
        const def = allResources.find((d) => d.group === group && d.resource === resource && !d.storedAs && d.namespaced);
        return def ? (await ctx.client.list(def, namespace)).items : [];
      };

      await runQueue(ctx, 'resourcequota', queue, 3, async (key) => {
        const q = quotas.get(key);
        if (!q || q.metadata.deletionTimestamp) return;
        const ns = q.metadata.namespace ?? '';
        const hard = q.spec?.hard ?? {};
        const totals = new Map<string, number>(Object.keys(hard).map((k) => [k, 0]));
        // Which kinds to scan: compute and the plain counts come from pods, services and claims; `count/…` names their kind.
        const kinds = new Map<string, { group: string; resource: string }>();
        for (const name of Object.keys(hard)) {
          const counted = countedResource(name);
          if (counted) kinds.set(`${counted.group}/${counted.resource}`, counted);
          else if (name.startsWith('services.')) kinds.set('/services', { group: '', resource: 'services' });
          else if (name.includes('storage') && !name.endsWith('ephemeral-storage')) kinds.set('/persistentvolumeclaims', { group: '', resource: 'persistentvolumeclaims' });
          else kinds.set('/pods', { group: '', resource: 'pods' });
        }
        for (const { group, resource } of kinds.values())
          for (const o of await objectsOf(group, resource, ns)) {
            if (!quotaMatches(q, group, resource, o)) continue;
            for (const [name, v] of usageOf(group, resource, o)) if (totals.has(name)) totals.set(name, (totals.get(name) ?? 0) + v);
          }
        const used = Object.fromEntries([...totals].map(([k, v]) => [k, formatUsage(k, v)]));
        const status = { hard: { ...hard }, used };
        if (JSON.stringify(status) === JSON.stringify(q.status ?? {})) return;
        await ctx.client.update(quotaRef, { ...structuredClone(q), status }, 'status');
      });
    },
  };
}
