/**
 * Resource arithmetic as upstream's scheduler does it: what a pod requests
 * (containers, sidecar and ordinary init containers, overhead), the
 * "non-zero" requests used for scoring (100m CPU and 200 MiB for a
 * container that asks for nothing), and what a node can allocate.
 */
import { quantityValue } from '../api/quantity.js';
import type { Container, Node, Pod, ResourceList } from './types.js';

/** CPU in millicores, memory and ephemeral storage in bytes, other (extended) resources by name. */
export interface Resources {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended resources and hugepages, by name. */
  scalar: Map<string, number>;
}

export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export const emptyResources = (): Resources => ({ milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: new Map() });

/** Resource names counted as scalars (extended resources, hugepages), not the built-in four. */
const builtin = new Set(['cpu', 'memory', 'ephemeral-storage', 'pods']);

/** A ResourceList as numbers. */
export function fromList(list: ResourceList | undefined): Resources {
  const r = emptyResources();
  if (!list) return r;
  for (const [name, q] of Object.entries(list)) {
    const v = quantityValue(q) ?? 0;
    if (name === 'cpu') r.milliCPU = Math.ceil(v * 1000);
    else if (name === 'memory') r.memory = v;
    else if (name === 'ephemeral-storage') r.ephemeralStorage = v;
    else if (!builtin.has(name)) r.scalar.set(name, v);
  }
  return r;
}

export function addTo(a: Resources, b: Resources, sign = 1): void {
  a.milliCPU += sign * b.milliCPU;
  a.memory += sign * b.memory;
  a.ephemeralStorage += sign * b.ephemeralStorage;
  for (const [k, v] of b.scalar) a.scalar.set(k, (a.scalar.get(k) ?? 0) + sign * v);
}

function maxInto(a: Resources, b: Resources): void {
  a.milliCPU = Math.max(a.milliCPU, b.milliCPU);
  a.memory = Math.max(a.memory, b.memory);
  a.ephemeralStorage = Math.max(a.ephemeralStorage, b.ephemeralStorage);
  for (const [k, v] of b.scalar) a.scalar.set(k, Math.max(a.scalar.get(k) ?? 0, v));
}

const clone = (r: Resources): Resources => ({ ...r, scalar: new Map(r.scalar) });

function containerRequests(c: Container, nonZero: boolean): Resources {
  const req = c.resources?.requests;
  const r = fromList(req);
  if (nonZero) {
    if (req?.cpu === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (req?.memory === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * The pod's effective requests, as upstream's PodRequests: the sum of the
 * containers and the sidecars (init containers with restartPolicy Always),
 * or the largest need of any ordinary init container (plus the sidecars
 * started before it) if that is more; then the pod overhead.
 * `nonZero` gives each container without a CPU or memory request the
 * scheduler's defaults for it (used for scoring only).
 */
export function podRequests(pod: Pod, nonZero = false): Resources {
  const spec = pod.spec ?? {};
  const sum = emptyResources();
  for (const c of spec.containers ?? []) addTo(sum, containerRequests(c, nonZero));
  const sidecars = emptyResources();
  const initMax = emptyResources();
  for (const c of spec.initContainers ?? []) {
    const req = containerRequests(c, nonZero);
    let need: Resources;
    if (c.restartPolicy === 'Always') {
      addTo(sum, req);
      addTo(sidecars, req);
      need = clone(sidecars);
    } else {
      need = clone(req);
      addTo(need, sidecars);
    }
    maxInto(initMax, need);
  }
  maxInto(sum, initMax);
  if (spec.overhead) addTo(sum, fromList(spec.overhead));
  return sum;
}

/** What the node can give to pods (status.allocatable, else capacity) and how many pods it takes. */
export function nodeAllocatable(node: Node): { resources: Resources; pods: number } {
  const list = node.status?.allocatable ?? node.status?.capacity;
  return { resources: fromList(list), pods: Math.floor(quantityValue(list?.pods) ?? 0) };
}
