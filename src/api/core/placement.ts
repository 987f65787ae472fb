/**
 * Whether a pod's placement rules admit a node, as upstream's
 * component-helpers judge it: nodeSelector, required node affinity (labels
 * and the `metadata.name` field), and tolerations against taints. The
 * scheduler and the DaemonSet controller both decide with these.
 */

export interface NodeSelectorRequirementLike {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

export interface NodeSelectorTermLike {
  readonly matchExpressions?: readonly NodeSelectorRequirementLike[];
  readonly matchFields?: readonly NodeSelectorRequirementLike[];
}

export interface NodeLike {
  readonly metadata: { readonly name?: string; readonly labels?: Readonly<Record<string, string>> };
}

export interface PlacementSpec {
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly affinity?: { readonly nodeAffinity?: { readonly requiredDuringSchedulingIgnoredDuringExecution?: { readonly nodeSelectorTerms?: readonly NodeSelectorTermLike[] } } };
}

export interface TolerationLike {
  readonly key?: string;
  readonly operator?: string;
  readonly value?: string;
  readonly effect?: string;
}

export interface TaintLike {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
}

function requirementMatches(r: NodeSelectorRequirementLike, value: string | undefined): boolean {
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
export function termMatches(term: NodeSelectorTermLike, node: NodeLike): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  for (const r of exprs) if (!requirementMatches(r, labels[r.key])) return false;
  for (const r of fields) if (r.key !== 'metadata.name' || !requirementMatches(r, node.metadata.name)) return false;
  return true;
}

/** The pod's nodeSelector and required node affinity (terms ORed) both hold on the node. */
export function nodeSelectorsMatch(spec: PlacementSpec | undefined, node: NodeLike): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms === undefined) return true;
  return terms.some((t) => termMatches(t, node));
}

/** Whether a toleration tolerates a taint, as upstream's ToleratesTaint. */
export function tolerates(t: TolerationLike, taint: TaintLike): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if ((t.key ?? '') !== '' && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  if (t.operator === undefined || t.operator === '' || t.operator === 'Equal') return (t.value ?? '') === (taint.value ?? '');
  return false;
}
