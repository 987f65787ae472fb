/**
 * Upstream's Priority admission and the system PriorityClasses: a new pod's
 * `priorityClassName` is resolved into `spec.priority` and
 * `spec.preemptionPolicy` (or the global default class applies); at most
 * one class may be the global default; `system-node-critical` and
 * `system-cluster-critical` exist from the first start.
 */
import type { KubeObject } from '../api/meta.js';
import { priorityClasses, resolvePodPriority, systemPriorityClasses, defaultPriorityClass, type PriorityClass } from '../api/scheduling/index.js';
import type { Store } from '../storage/store.js';
import { isAlreadyExists } from '../storage/errors.js';
import { APIError } from './errors.js';
import { noUndo, type HookTable } from './hooks.js';
import { encode, prepareCreate } from './objects.js';
import { storagePrefix, type Registry } from './registry.js';

const prefix = storagePrefix(priorityClasses);

/** The classes in the watch cache (kept current by the store's watch). */
function classes(registry: Registry): PriorityClass[] {
  const cache = registry.find(priorityClasses.group, priorityClasses.version, priorityClasses.resource)?.cache;
  return (cache?.list(prefix) ?? []).map((e) => e.object as PriorityClass);
}

const forbiddenPod = (name: string, message: string) => new APIError('Forbidden', `pods "${name}" is forbidden: ${message}`, { name, kind: 'pods' });

/** The write hooks of Priority admission: pods on create, PriorityClasses' single global default. */
export function priorityHooks(registry: Registry): HookTable {
  const find = (name: string) => classes(registry).find((c) => c.metadata.name === name);
  return new Map([
    [
      '/Pod',
      {
        beforeWrite: (obj: KubeObject, old: KubeObject | undefined) => {
          if (old) return Promise.resolve(noUndo);
          const spec = (obj.spec ?? (obj.spec = {})) as Record<string, unknown>;
          const r = resolvePodPriority(spec, find, () => classes(registry));
          if (!r.ok) return Promise.reject(forbiddenPod(obj.metadata.name ?? '', r.message));
          if (r.priorityClassName) spec.priorityClassName = r.priorityClassName;
          spec.priority = r.priority;
          spec.preemptionPolicy = r.preemptionPolicy;
          return Promise.resolve(noUndo);
        },
        afterWrite: () => Promise.resolve(),
      },
    ],
    [
      'scheduling.k8s.io/PriorityClass',
      {
        beforeWrite: (obj: KubeObject, old: KubeObject | undefined) => {
          const pc = obj as PriorityClass;
          const name = obj.metadata.name ?? '';
          const dflt = pc.globalDefault === true ? defaultPriorityClass(classes(registry)) : undefined;
          if (dflt && (!old || dflt.metadata.name !== name))
            return Promise.reject(new APIError('Forbidden', `priorityclasses.scheduling.k8s.io "${name}" is forbidden: PriorityClass ${dflt.metadata.name ?? ''} is already marked as default. Only one default can exist`, { name, group: 'scheduling.k8s.io', kind: 'priorityclasses' }));
          return Promise.resolve(noUndo);
        },
        afterWrite: () => Promise.resolve(),
      },
    ],
  ]);
}

/** Create the system PriorityClasses that are missing, as upstream's bootstrap hook does at every start. */
export async function bootstrapPriorityClasses(store: Store, now: Date): Promise<void> {
  for (const c of systemPriorityClasses) {
    const obj: KubeObject = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: c.name }, value: c.value, description: c.description };
    prepareCreate(priorityClasses, obj, now);
    priorityClasses.defaults?.(obj);
    await store.create(`${prefix}${c.name}`, encode(obj)).catch((err: unknown) => {
      if (!isAlreadyExists(err)) throw err;
    });
  }
}
