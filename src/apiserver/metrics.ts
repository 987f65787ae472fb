/**
 * The resource metrics API (`metrics.k8s.io/v1beta1` PodMetrics and
 * NodeMetrics, read-only), as metrics-server serves it, answered from the
 * pods in the watch cache. Until kubelets report real usage, a pod's usage
 * is what its node (a hollow node) writes in the pod annotation
 * `skiff.io/hollow-usage`, e.g. `{"cpu":"250m","memory":"64Mi"}`: the
 * pod's total, shared evenly by its containers. Only Running pods with the
 * annotation have metrics; a node's usage is the sum of its pods'.
 */
import type { KubeObject } from '../api/meta.js';
import { parseLabelSelector } from '../api/labels.js';
import { formatQuantity, quantityValue } from '../api/quantity.js';
import { APIError } from './errors.js';
import { listPrefix, type Registry } from './registry.js';
import type { RequestInfo } from './request.js';

/** The pod annotation hollow nodes report usage in. */
export const USAGE_ANNOTATION = 'skiff.io/hollow-usage';
const GROUP = 'metrics.k8s.io';
const VERSION = 'v1beta1';
const API_VERSION = `${GROUP}/${VERSION}`;
/** The window metrics-server reports over. */
const WINDOW = '10s';

/** The metrics resources as discovery lists them. */
export const metricsResources = [
  { group: GROUP, version: VERSION, resource: 'pods', singular: '', kind: 'PodMetrics', namespaced: true },
  { group: GROUP, version: VERSION, resource: 'nodes', singular: '', kind: 'NodeMetrics', namespaced: false },
] as const;

type Pod = KubeObject & { spec?: { nodeName?: string; containers?: { name: string }[] }; status?: { phase?: string } };

/** A pod's reported usage (base units), or undefined if it has none. */
function usageOf(pod: Pod): { cpu: number; memory: number } | undefined {
  const text = pod.metadata.annotations?.[USAGE_ANNOTATION];
  if (text === undefined || pod.status?.phase !== 'Running') return undefined;
  try {
    const u = JSON.parse(text) as { cpu?: string; memory?: string };
    return { cpu: quantityValue(u.cpu ?? '0') ?? 0, memory: quantityValue(u.memory ?? '0') ?? 0 };
  } catch {
    return undefined;
  }
}

const usage = (u: { cpu: number; memory: number }) => ({ cpu: formatQuantity(u.cpu), memory: formatQuantity(u.memory, true) });

/** Answer a metrics request (get or list); throws NotFound / MethodNotAllowed as upstream. */
export function serveMetrics(registry: Registry, info: RequestInfo, query: URLSearchParams, now: Date): unknown {
  if (info.version !== VERSION || !metricsResources.some((r) => r.resource === info.resource) || info.subresource) throw new APIError('NotFound', 'the server could not find the requested resource');
  if (info.verb !== 'get' && info.verb !== 'list') throw new APIError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
  const podsRes = registry.find('', 'v1', 'pods');
  const stamp = now.toISOString().replace(/\.\d+Z$/, 'Z');
  const selector = parseLabelSelector(query.get('labelSelector') ?? '');
  if (info.resource === 'pods') {
    // Filtered on the cache's attributes, so that only the pods asked for are decoded.
    const entries = podsRes ? podsRes.cache.list(listPrefix(podsRes, info.namespace)) : [];
    const items = entries
      .filter((e) => (!info.name || e.attrs.name === info.name) && selector.matches(e.attrs.labels ?? {}))
      .map((e) => e.object as Pod)
      .flatMap((p) => {
        const u = usageOf(p);
        if (!u) return [];
        const cs = p.spec?.containers ?? [];
        const share = { cpu: u.cpu / Math.max(1, cs.length), memory: u.memory / Math.max(1, cs.length) };
        return [{ kind: 'PodMetrics', apiVersion: API_VERSION, metadata: { name: p.metadata.name, namespace: p.metadata.namespace, labels: p.metadata.labels ?? {}, creationTimestamp: stamp }, timestamp: stamp, window: WINDOW, containers: cs.map((c) => ({ name: c.name, usage: usage(share) })) }];
      });
    if (info.name) {
      if (!items[0]) throw new APIError('NotFound', `podmetrics.metrics.k8s.io "${info.name}" not found`, { name: info.name, group: GROUP, kind: 'pods' });
      return items[0];
    }
    return { kind: 'PodMetricsList', apiVersion: API_VERSION, metadata: {}, items };
  }
  const nodesRes = registry.find('', 'v1', 'nodes');
  const nodes = (nodesRes?.cache.list(nodesRes.prefix) ?? []).filter((e) => (!info.name || e.attrs.name === info.name) && selector.matches(e.attrs.labels ?? {})).map((e) => e.object);
  // One pass over the pods: only Running pods on the nodes asked for are decoded.
  const totals = new Map(nodes.map((n) => [n.metadata.name ?? '', { cpu: 0, memory: 0 }]));
  for (const e of podsRes?.cache.list(podsRes.prefix) ?? []) {
    const total = totals.get(e.attrs.fields['spec.nodeName'] ?? '');
    const u = total && e.attrs.fields['status.phase'] === 'Running' ? usageOf(e.object) : undefined;
    if (!total || !u) continue;
    total.cpu += u.cpu;
    total.memory += u.memory;
  }
  const items = nodes.map((n) => {
    const total = totals.get(n.metadata.name ?? '') ?? { cpu: 0, memory: 0 };
    return { kind: 'NodeMetrics', apiVersion: API_VERSION, metadata: { name: n.metadata.name, labels: n.metadata.labels ?? {}, creationTimestamp: stamp }, timestamp: stamp, window: WINDOW, usage: usage(total) };
  });
  if (info.name) {
    if (!items[0]) throw new APIError('NotFound', `nodemetrics.metrics.k8s.io "${info.name}" not found`, { name: info.name, group: GROUP, kind: 'nodes' });
    return items[0];
  }
  return { kind: 'NodeMetricsList', apiVersion: API_VERSION, metadata: {}, items };
}
