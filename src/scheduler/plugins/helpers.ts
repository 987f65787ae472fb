/** Matching rules several plugins share: node selector terms, tolerations, pod affinity terms. */
import { fromLabelSelector, nothing, type LabelSelector, type LabelSelectorSpec } from '../../api/labels.js';
import type { Node, Pod, PodAffinityTerm, Taint } from '../types.js';
import { nodeSelectorsMatch } from '../../api/core/placement.js';

export { termMatches, tolerates } from '../../api/core/placement.js';

/** A metav1.LabelSelector parsed once per spec object; an invalid one matches nothing. */
const parsed = new WeakMap<object, LabelSelector>();
export function selectorOf(spec: LabelSelectorSpec | null | undefined): LabelSelector {
  if (!spec) return nothing();
  let sel = parsed.get(spec);
  if (!sel) {
    try {
      sel = fromLabelSelector(spec);
    } catch {
      sel = nothing();
    }
    parsed.set(spec, sel);
  }
  return sel;
}

/** The pod's nodeSelector and required node affinity (terms ORed) both hold on the node. */
export const requiredNodeAffinityMatches = (pod: Pod, node: Node): boolean => nodeSelectorsMatch(pod.spec, node);

/**
 * The node's taints, plus `node.kubernetes.io/not-ready:NoSchedule` if its
 * Ready condition is not True and that taint is absent: the node lifecycle
 * controller taints such nodes (TaintNodesByCondition), and the scheduler
 * must not wait for it to keep pods off a node that is not ready.
 */
export function effectiveTaints(node: Node): readonly Taint[] {
  const taints = node.spec?.taints ?? [];
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status === 'True' || taints.some((t) => t.key === NOT_READY_TAINT)) return taints;
  return [...taints, { key: NOT_READY_TAINT, effect: 'NoSchedule' }];
}

export const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';

/** The namespaces an affinity term applies to: its list, else the pod's own (namespaceSelector handled by the caller). */
export function termNamespaces(term: PodAffinityTerm, pod: Pod): ReadonlySet<string> {
  return new Set(term.namespaces?.length ? term.namespaces : term.namespaceSelector ? [] : [pod.metadata.namespace ?? '']);
}

/** A pod affinity term resolved once: namespaces, namespace selector and label selector. */
export interface ResolvedTerm {
  readonly topologyKey: string;
  readonly namespaces: ReadonlySet<string>;
  readonly namespaceSelector: LabelSelector | undefined;
  readonly selector: LabelSelector;
  readonly weight: number;
}

export function resolveTerm(term: PodAffinityTerm, owner: Pod, weight = 1): ResolvedTerm {
  return { topologyKey: term.topologyKey, namespaces: termNamespaces(term, owner), namespaceSelector: term.namespaceSelector ? selectorOf(term.namespaceSelector) : undefined, selector: selectorOf(term.labelSelector), weight };
}

/** Whether `pod` is one the term selects (namespace, then labels). */
export function termSelects(t: ResolvedTerm, pod: Pod, namespaceLabels: (ns: string) => Readonly<Record<string, string>> | undefined): boolean {
  const ns = pod.metadata.namespace ?? '';
  if (!t.namespaces.has(ns) && !(t.namespaceSelector && t.namespaceSelector.matches(namespaceLabels(ns)))) return false;
  return t.selector.matches(pod.metadata.labels);
}
