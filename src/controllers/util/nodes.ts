/**
 * Placement rules as the DaemonSet controller reads them, over the one
 * implementation in src/api/core/placement.ts: nodeSelector, required
 * node affinity and taints against tolerations, and the node a daemon pod
 * is pinned to.
 */
import { nodeSelectorsMatch, tolerates } from '../../api/core/placement.js';

export { tolerates };
import type { Node, PodSpec, Taint, Toleration } from './types.js';

/** nodeSelector and required node affinity (terms ORed) admit the node. */
export const nodeMatches = (spec: PodSpec | undefined, node: Node): boolean => nodeSelectorsMatch(spec, node);

/** The node's taints with one of `effects` that no toleration tolerates. */
export const untoleratedTaints = (node: Node, tolerations: readonly Toleration[] | undefined, effects: readonly string[]): Taint[] =>
  (node.spec?.taints ?? []).filter((taint) => effects.includes(taint.effect) && !(tolerations ?? []).some((t) => tolerates(t, taint)));

/** The node a pod is bound or pinned to: `spec.nodeName`, else a required `metadata.name In [node]` affinity term. */
export function targetNode(spec: PodSpec | undefined): string | undefined {
  if (spec?.nodeName) return spec.nodeName;
  for (const t of spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [])
    for (const f of t.matchFields ?? []) if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  return undefined;
}
