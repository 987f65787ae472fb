/**
 * The CPU and memory usage hollow pods report, so that a metrics API and
 * the HorizontalPodAutoscaler can be tested without real containers. Each
 * running container of a pod on a hollow node uses what the pod's
 * `skiff.io/hollow-cpu-usage` / `skiff.io/hollow-memory-usage` annotations
 * say, else what the same annotations on its Node say (a hollow node writes
 * them from `--pod-cpu-usage` / `--pod-memory-usage`), else nothing (`0`).
 * Change a pod's annotation to change its load.
 */
import type { KubeObject } from '../api/meta.js';
import { CPU_USAGE_ANNOTATION, MEMORY_USAGE_ANNOTATION } from './annotations.js';
import type { Pod } from './pod-status.js';

/** One container's usage, as a metrics.k8s.io PodMetrics lists it. */
export interface ContainerUsage {
  readonly name: string;
  readonly usage: { readonly cpu: string; readonly memory: string };
}

/** The usage of each running container of `pod`, placed on `node` (undefined: no node defaults). */
export function podUsage(pod: Pod, node?: KubeObject): ContainerUsage[] {
  const pick = (name: string) => pod.metadata.annotations?.[name] ?? node?.metadata.annotations?.[name] ?? '0';
  const cpu = pick(CPU_USAGE_ANNOTATION);
  const memory = pick(MEMORY_USAGE_ANNOTATION);
  return (pod.status?.containerStatuses ?? []).filter((s) => s.state.running).map((s) => ({ name: s.name, usage: { cpu, memory } }));
}
