/**
 * The resource metrics API (`metrics.k8s.io/v1beta1` PodMetrics and
 * NodeMetrics, read-only), as metrics-server serves it, answered from the
 * pods and nodes in the watch cache. A real kubelet (src/kubelet/usage-reporter.ts)
 * measures usage from cgroups and /proc and writes it in the annotation
 * `skiff.io/usage`: on a pod per container, on a Node for the machine, with
 * the time it was sampled; usage older than two minutes is not served (its
 * kubelet rewrites it at least every minute while it runs). A hollow node
 * writes the pod annotation `skiff.io/hollow-usage` instead, e.g.
 * `{"cpu":"250m","memory":"64Mi"}`: the pod's total, shared evenly by its
 * containers; a node without usage of its own reports the sum of its pods'.
 * Only Running pods have metrics.
 */
import type { KubeObject } from '../api/meta.js';
import { parseLabelSelector } from '../api/labels.js';
import { formatQuantity, quantityValue } from '../api/quantity.js';
import { APIError } from './errors.js';
import { listPrefix, type Registry } from './registry.js';
import type { RequestInfo } from './request.js';

/** The pod annotation hollow nodes report usage in. */
export const USAGE_ANNOTATION = 'skiff.io/hollow-usage';
/** The pod and Node annotation real kubelets report measured usage in (the same name as src/kubelet/usage.ts writes). */
export const REAL_USAGE_ANNOTATION = 'skiff.io/usage';
/** Measured usage older than this is not served: its kubelet stopped reporting. */
const STALE_MS = 120_000;
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

/** Usage a real kubelet measured: when, over what window, and the values as it wrote them. */
interface Measured<T> {
  readonly timestamp: string;
  readonly window: string;
  readonly value: T;
}

type Quantities = { cpu?: string; memory?: string };

/** The `skiff.io/usage` annotation of an object, if present, well formed and fresh at `now`. */
function measured<T>(obj: KubeObject, now: Date, read: (parsed: Record<string, unknown>) => T | undefined): Measured<T> | undefined {
  const text = obj.metadata.annotations?.[REAL_USAGE_ANNOTATION];
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const { timestamp, window } = parsed;
    if (typeof timestamp !== 'string' || typeof window !== 'string' || !(now.getTime() - Date.parse(timestamp) < STALE_MS)) return undefined;
    const value = read(parsed);
    return value === undefined ? undefined : { timestamp, window, value };
  } catch {
    return undefined;
  }
}

/** A measured container usage as served: CPU in the kubelet's nanocores (an idle container's 40µ is not rounded up to 1m), memory as metrics-server formats bytes. */
const measuredUsage = (q: Quantities) => ({ cpu: q.cpu ?? '0', memory: formatQuantity(quantityValue(q.memory ?? '0') ?? 0, true) });

/** Per-container usage of a pod, as its kubelet measured it. */
const podMeasured = (pod: Pod, now: Date) => measured(pod, now, (p) => (typeof p.containers === 'object' && p.containers !== null ? p.containers as Record<string, Quantities> : undefined));
/** A node's usage, as its kubelet measured it. */
const nodeMeasured = (node: KubeObject, now: Date) => measured(node, now, (p) => ({ cpu: quantityValue(p.cpu) ?? 0, memory: quantityValue(p.memory) ?? 0 }));

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
        const meta = { name: p.metadata.name, namespace: p.metadata.namespace, labels: p.metadata.labels ?? {}, creationTimestamp: stamp };
        const real = p.status?.phase === 'Running' ? podMeasured(p, now) : undefined;
        if (real) {
          // The spec's order; a container the kubelet has no stats for (not running) is left out, as metrics-server does.
          const names = (p.spec?.containers ?? []).map((c) => c.name).filter((n) => real.value[n] !== undefined);
          return [{ kind: 'PodMetrics', apiVersion: API_VERSION, metadata: meta, timestamp: real.timestamp, window: real.window, containers: names.map((n) => ({ name: n, usage: measuredUsage(real.value[n] ?? {}) })) }];
        }
        const u = usageOf(p);
        if (!u) return [];
        const cs = p.spec?.containers ?? [];
        const share = { cpu: u.cpu / Math.max(1, cs.length), memory: u.memory / Math.max(1, cs.length) };
        return [{ kind: 'PodMetrics', apiVersion: API_VERSION, metadata: meta, timestamp: stamp, window: WINDOW, containers: cs.map((c) => ({ name: c.name, usage: usage(share) })) }];
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
    const metadata = { name: n.metadata.name, labels: n.metadata.labels ?? {}, creationTimestamp: stamp };
    const real = nodeMeasured(n, now);
    if (real) return { kind: 'NodeMetrics', apiVersion: API_VERSION, metadata, timestamp: real.timestamp, window: real.window, usage: usage(real.value) };
    const total = totals.get(n.metadata.name ?? '') ?? { cpu: 0, memory: 0 };
    return { kind: 'NodeMetrics', apiVersion: API_VERSION, metadata, timestamp: stamp, window: WINDOW, usage: usage(total) };
  });
  if (info.name) {
    if (!items[0]) throw new APIError('NotFound', `nodemetrics.metrics.k8s.io "${info.name}" not found`, { name: info.name, group: GROUP, kind: 'nodes' });
    return items[0];
  }
  return { kind: 'NodeMetricsList', apiVersion: API_VERSION, metadata: {}, items };
}
