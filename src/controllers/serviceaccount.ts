/**
 * Per-namespace defaults every pod relies on, as kube-controller-manager's
 * serviceaccount and root-ca-cert-publisher controllers: a `default`
 * ServiceAccount (re-created if deleted) and the `kube-root-ca.crt`
 * ConfigMap holding the cluster CA, in every namespace that is not being
 * deleted.
 */
import type { KubeObject } from '../api/meta.js';
import { configMaps, namespaces, serviceAccounts } from '../api/core/index.js';
import { isAlreadyExists, isConflict, isNotFound, WorkQueue, type Informer } from '../client/index.js';
import type { Controller, ControllerContext } from './controller.js';
import { runQueue } from './util/run.js';

/** The account every pod without `serviceAccountName` runs as. */
export const defaultServiceAccount = 'default';
/** The ConfigMap the root CA is published in. */
export const rootCAConfigMap = 'kube-root-ca.crt';

/** Calls `ensure(namespace)` for each active namespace, and again when the object it keeps (`name`, watched by `informer`) changes or goes. */
async function runPerNamespace(ctx: ControllerContext, name: string, controller: string, informer: Informer, ensure: (ns: string) => Promise<void>): Promise<void> {
  const nsInformer = ctx.informers.for(namespaces);
  const queue = new WorkQueue<string>();
  nsInformer.on({ add: (ns) => queue.add(ns.metadata.name ?? ''), update: (_, ns) => queue.add(ns.metadata.name ?? '') });
  const own = (o: KubeObject) => {
    if (o.metadata.name === name) queue.add(o.metadata.namespace ?? '');
  };
  informer.on({ update: (_, o) => own(o), delete: own });
  if (!(await ctx.informers.synced())) return;
  await runQueue(ctx, controller, queue, 2, async (namespace) => {
    const ns = nsInformer.get(namespace);
    // Nothing new goes into a namespace being deleted (the API server would refuse it anyway).
    if (!ns || ns.metadata.deletionTimestamp) return;
    await ensure(namespace);
  });
}

/** The serviceaccount controller: a `default` ServiceAccount in every namespace. */
export function newServiceAccountController(): Controller {
  return {
    name: 'serviceaccount',
    async run(ctx) {
      const accounts = ctx.informers.for(serviceAccounts);
      await runPerNamespace(ctx, defaultServiceAccount, 'serviceaccount', accounts, async (namespace) => {
        if (accounts.get(`${namespace}/${defaultServiceAccount}`)) return;
        await ctx.client.create(serviceAccounts, namespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: defaultServiceAccount } }).catch((err: unknown) => {
          if (!isAlreadyExists(err) && !isNotFound(err)) throw err;
        });
      });
    },
  };
}

/** The root-ca-cert-publisher: `kube-root-ca.crt` with the cluster CA (`ca.crt`) in every namespace. */
export function newRootCACertPublisher(): Controller {
  return {
    name: 'root-ca-cert-publisher',
    async run(ctx) {
      const ca = ctx.rootCA;
      if (!ca) {
        ctx.log('root-ca-cert-publisher: no cluster CA given, not publishing');
        return;
      }
      const maps = ctx.informers.for(configMaps);
      await runPerNamespace(ctx, rootCAConfigMap, 'root-ca-cert-publisher', maps, async (namespace) => {
        const current = maps.get(`${namespace}/${rootCAConfigMap}`);
        const data = { 'ca.crt': ca };
        if (!current) {
          await ctx.client.create(configMaps, namespace, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: rootCAConfigMap }, data }).catch((err: unknown) => {
            if (!isAlreadyExists(err) && !isNotFound(err)) throw err;
          });
          return;
        }
        if (JSON.stringify(current.data) === JSON.stringify(data)) return;
        // Someone changed it: put the CA back (compared on resourceVersion; a conflict retries).
        await ctx.client.update(configMaps, { ...structuredClone(current), data }).catch((err: unknown) => {
          if (!isNotFound(err) && !isConflict(err)) throw err;
        });
      });
    },
  };
}
