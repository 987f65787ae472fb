/**
 * What one object charges against a ResourceQuota, as upstream's quota
 * evaluators count it: object counts (`pods`, `services`,
 * `count/deployments.apps`, …), pod compute requests and limits, claim
 * storage (also per storage class), Service load balancers and node ports.
 * Shared by the resource quota controller (usage) and the API server's
 * quota admission (enforcement): one home for the rules.
 */
import type { KubeObject } from '../meta.js';
import { formatQuantity, isByteResource, quantityValue } from '../quantity.js';

type Resources = { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
type Container = { resources?: Resources; restartPolicy?: string };
type PodSpec = { containers?: Container[]; initContainers?: Container[]; overhead?: Record<string, unknown>; activeDeadlineSeconds?: number };

/** Resource names whose legacy short form counts requests (`cpu` = `requests.cpu`). */
const legacyCompute = ['cpu', 'memory', 'ephemeral-storage'];

/** The `count/…` name of a resource: `count/pods`, `count/deployments.apps`. */
export const countName = (group: string, resource: string): string => (group ? `count/${resource}.${group}` : `count/${resource}`);

/** Core resources with a plain object-count quota name. */
const plainCounts = new Set(['pods', 'services', 'configmaps', 'secrets', 'persistentvolumeclaims', 'replicationcontrollers', 'resourcequotas']);

/** Sum of a pod's containers, at least its largest init container, plus overhead (upstream's PodRequestsAndLimits). */
function podCompute(spec: PodSpec, which: 'requests' | 'limits'): Map<string, number> {
  const sum = new Map<string, number>();
  const add = (m: Map<string, number>, list: Record<string, unknown> | undefined) => {
    for (const [k, v] of Object.entries(list ?? {})) m.set(k, (m.get(k) ?? 0) + (quantityValue(v) ?? 0));
  };
  for (const c of spec.containers ?? []) add(sum, c.resources?.[which]);
  // Sidecars (restartPolicy Always) run beside the app containers; other init containers one at a time.
  for (const c of spec.initContainers ?? []) if (c.restartPolicy === 'Always') add(sum, c.resources?.[which]);
  for (const c of spec.initContainers ?? []) {
    if (c.restartPolicy === 'Always') continue;
    for (const [k, v] of Object.entries(c.resources?.[which] ?? {})) sum.set(k, Math.max(sum.get(k) ?? 0, quantityValue(v) ?? 0));
  }
  add(sum, spec.overhead);
  return sum;
}

/** True if a pod no longer charges its quota (it finished). */
export const podTerminal = (pod: KubeObject): boolean => ['Succeeded', 'Failed'].includes((pod.status as { phase?: string } | undefined)?.phase ?? '');

/** True if the pod has no requests or limits at all (the BestEffort QoS class). */
export function podBestEffort(pod: KubeObject): boolean {
  const spec = (pod.spec ?? {}) as PodSpec;
  return [...(spec.containers ?? []), ...(spec.initContainers ?? [])].every((c) => Object.keys(c.resources?.requests ?? {}).length === 0 && Object.keys(c.resources?.limits ?? {}).length === 0);
}

/** True if the quota's scopes select the object (scopes only narrow pods; other kinds match scope-less quotas only). */
export function quotaMatches(quota: KubeObject, group: string, resource: string, obj: KubeObject): boolean {
  const scopes = (quota.spec as { scopes?: string[] } | undefined)?.scopes ?? [];
  if (scopes.length === 0) return true;
  if (group !== '' || resource !== 'pods') return false;
  const spec = (obj.spec ?? {}) as PodSpec;
  return scopes.every((s) => {
    switch (s) {
      case 'Terminating':
        return spec.activeDeadlineSeconds !== undefined;
      case 'NotTerminating':
        return spec.activeDeadlineSeconds === undefined;
      case 'BestEffort':
        return podBestEffort(obj);
      case 'NotBestEffort':
        return !podBestEffort(obj);
      default:
        return false;
    }
  });
}

/** What `obj` of `group/resource` charges, by quota resource name (numbers in base units). */
export function usageOf(group: string, resource: string, obj: KubeObject): Map<string, number> {
  const use = new Map<string, number>();
  if (group === '' && resource === 'pods' && podTerminal(obj)) return use;
  use.set(countName(group, resource), 1);
  if (group === '' && plainCounts.has(resource)) use.set(resource, 1);
  if (group === '' && resource === 'pods') {
    const spec = (obj.spec ?? {}) as PodSpec;
    for (const [k, v] of podCompute(spec, 'requests')) {
      use.set(`requests.${k}`, v);
      if (legacyCompute.includes(k)) use.set(k, v);
    }
    for (const [k, v] of podCompute(spec, 'limits')) use.set(`limits.${k}`, v);
  }
  if (group === '' && resource === 'services') {
    const spec = (obj.spec ?? {}) as { type?: string; ports?: unknown[] };
    if (spec.type === 'LoadBalancer') use.set('services.loadbalancers', 1);
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') use.set('services.nodeports', spec.ports?.length ?? 0);
  }
  if (group === '' && resource === 'persistentvolumeclaims') {
    const spec = (obj.spec ?? {}) as { storageClassName?: string; resources?: Resources };
    const storage = quantityValue(spec.resources?.requests?.storage) ?? 0;
    use.set('requests.storage', storage);
    if (spec.storageClassName) {
      use.set(`${spec.storageClassName}.storageclass.storage.k8s.io/requests.storage`, storage);
      use.set(`${spec.storageClassName}.storageclass.storage.k8s.io/persistentvolumeclaims`, 1);
    }
  }
  return use;
}

/** The group and plural a quota resource name counts objects of (`count/jobs.batch` → batch/jobs), if it is a count. */
export function countedResource(name: string): { group: string; resource: string } | undefined {
  if (plainCounts.has(name)) return { group: '', resource: name };
  const m = /^count\/([a-z0-9-]+)(?:\.(.+))?$/.exec(name);
  return m ? { group: m[2] ?? '', resource: m[1] ?? '' } : undefined;
}

/** A quota resource name's usage as upstream writes it: counts as integers, bytes with binary suffixes, CPU in millis. */
export function formatUsage(name: string, value: number): string {
  if (countedResource(name) || name.startsWith('services.') || name.endsWith('/persistentvolumeclaims')) return String(Math.round(value));
  return formatQuantity(value, isByteResource(name.replace(/^.*\//, '').replace(/^(requests|limits)\./, '')));
}
