/** NodeResourcesFit (filter, and the LeastAllocated score) and NodeResourcesBalancedAllocation. */
import { MAX_NODE_SCORE, type FilterPlugin, type ScorePlugin, type Status } from '../framework.js';

/** NodeResourcesFit: the node's pod count and its allocatable less what its pods request leave room for the pod's requests. */
export const nodeResourcesFit: FilterPlugin = {
  name: 'NodeResourcesFit',
  filter: (pi, ni): Status | undefined => {
    const reasons: string[] = [];
    if (ni.pods.size + 1 > ni.allowedPods) reasons.push('Too many pods');
    const req = pi.requests;
    const free = ni.allocatable;
    const used = ni.requested;
    if (req.milliCPU > 0 && req.milliCPU > free.milliCPU - used.milliCPU) reasons.push('Insufficient cpu');
    if (req.memory > 0 && req.memory > free.memory - used.memory) reasons.push('Insufficient memory');
    if (req.ephemeralStorage > 0 && req.ephemeralStorage > free.ephemeralStorage - used.ephemeralStorage) reasons.push('Insufficient ephemeral-storage');
    for (const [name, q] of req.scalar) if (q > 0 && q > (free.scalar.get(name) ?? 0) - (used.scalar.get(name) ?? 0)) reasons.push(`Insufficient ${name}`);
    return reasons.length ? { reasons } : undefined;
  },
};

/** Share left free of one resource, 0‥100, as upstream's leastRequestedScore. */
function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.floor(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/** LeastAllocated (NodeResourcesFit's default score): CPU and memory left free after the pod, equally weighted, with non-zero requests. */
export const leastAllocated: ScorePlugin = {
  name: 'NodeResourcesFit',
  weight: 1,
  score: (pi, ni) => {
    const cpu = leastRequested(ni.nonZeroRequested.milliCPU + pi.nonZero.milliCPU, ni.allocatable.milliCPU);
    const mem = leastRequested(ni.nonZeroRequested.memory + pi.nonZero.memory, ni.allocatable.memory);
    return Math.floor((cpu + mem) / 2);
  },
};

/**
 * NodeResourcesBalancedAllocation: CPU and memory used in like proportion
 * score higher (1 − standard deviation of the fractions, a resource the
 * node has none of left out). Best-effort pods are not scored, as upstream,
 * lest they all pile onto one node.
 */
export const balancedAllocation: ScorePlugin = {
  name: 'NodeResourcesBalancedAllocation',
  weight: 1,
  preScore: (pi) => (pi.requests.milliCPU === 0 && pi.requests.memory === 0 ? 'skip' : undefined),
  score: (pi, ni) => {
    const cpuCap = ni.allocatable.milliCPU;
    const memCap = ni.allocatable.memory;
    if (cpuCap === 0 || memCap === 0) return MAX_NODE_SCORE;
    const cpu = Math.min(1, (ni.requested.milliCPU + pi.requests.milliCPU) / cpuCap);
    const mem = Math.min(1, (ni.requested.memory + pi.requests.memory) / memCap);
    return Math.floor((1 - Math.abs(cpu - mem) / 2) * MAX_NODE_SCORE);
  },
};
