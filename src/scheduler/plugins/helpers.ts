/** Matching rules several plugins share: node selector terms, tolerations, pod affinity terms. */
import { fromLabelSelector, nothing, type LabelSelector, type LabelSelectorSpec } from '../../api/labels.js';
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, PodAffinityTerm, Taint, Toleration } from '../types.js';

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

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1 || !/^-?\d+$/.test(value) || !/^-?\d+$/.test(values[0] ?? '')) return false;
      const a = Number(value);
      const b = Number(values[0]);
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** A NodeSelectorTerm: every expression on labels and every field (`metadata.name`) requirement holds; an empty term matches nothing. */
export function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  for (const r of exprs) if (!requirementMatches(r, labels[r.key])) return false;
  for (const r of fields) if (r.key !== 'metadata.name' || !requirementMatches(r, node.metadata.name)) return false;
  return true;
}

/** The pod's nodeSelector and required node affinity (terms ORed) both hold on the node. */
export function requiredNodeAffinityMatches(pod: Pod, node: Node): boolean {
  const sel = pod.spec?.nodeSelector;
  if (sel) {
    const labels = node.metadata.labels ?? {};
    for (const [k, v] of Object.entries(sel)) if (labels[k] !== v) return false;
  }
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms === undefined) return true;
  return terms.some((t) => termMatches(t, node));
}

/** Whether a toleration tolerates a taint, as upstream's ToleratesTaint. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if ((t.key ?? '') !== '' && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  if (t.operator === undefined || t.operator === '' || t.operator === 'Equal') return (t.value ?? '') === (taint.value ?? '');
  return false;
}

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
