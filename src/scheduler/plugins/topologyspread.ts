/**
 * PodTopologySpread: `DoNotSchedule` constraints filter (the skew of the
 * node's domain, counting the pod, stays within maxSkew); `ScheduleAnyway`
 * constraints, or the cluster defaults (hostname skew 3, zone skew 5) for
 * pods that a Service or controller selects, score domains with fewer
 * matching pods higher.
 */
import { selectorFromRequirements, type LabelSelector } from '../../api/labels.js';
import { fail, MAX_NODE_SCORE, type Cluster, type FilterPlugin, type ScorePlugin } from '../framework.js';
import type { NodeInfo, PodInfo } from '../nodeinfo.js';
import type { Node, TopologySpreadConstraint } from '../types.js';
import { effectiveTaints, requiredNodeAffinityMatches, selectorOf, tolerates } from './helpers.js';

const HOSTNAME = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';

interface Constraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly selector: LabelSelector;
  readonly minDomains: number;
  readonly honorAffinity: boolean;
  readonly honorTaints: boolean;
}

/** A constraint's selector with its matchLabelKeys pinned to the pod's values, as upstream merges them. */
function resolve(c: TopologySpreadConstraint, pi: PodInfo): Constraint {
  let selector = selectorOf(c.labelSelector);
  const keys = c.matchLabelKeys ?? [];
  const labels = pi.pod.metadata.labels ?? {};
  if (keys.length && !selector.empty) {
    const extra = keys.flatMap((k) => (labels[k] !== undefined ? [{ key: k, operator: 'in' as const, values: [labels[k] ?? ''] }] : []));
    selector = selectorFromRequirements([...selector.requirements, ...extra]);
  }
  return { maxSkew: c.maxSkew, topologyKey: c.topologyKey, selector, minDomains: c.minDomains ?? 1, honorAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor', honorTaints: c.nodeTaintsPolicy === 'Honor' };
}

/** Whether pods on `node` count for `c` (node affinity and taint policies). */
function nodeCounts(c: Constraint, pi: PodInfo, node: Node): boolean {
  if (c.honorAffinity && !requiredNodeAffinityMatches(pi.pod, node)) return false;
  if (c.honorTaints) {
    const tolerations = pi.pod.spec?.tolerations ?? [];
    for (const t of effectiveTaints(node)) if ((t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerations.some((x) => tolerates(x, t))) return false;
  }
  return true;
}

/** Pods on the node in the pod's namespace that the selector matches (terminating pods do not count). */
function matching(ni: NodeInfo, c: Constraint, namespace: string): number {
  let n = 0;
  for (const other of ni.pods.values()) if (other.pod.metadata.namespace === namespace && !other.pod.metadata.deletionTimestamp && c.selector.matches(other.pod.metadata.labels)) n++;
  return n;
}

interface FilterState {
  readonly constraints: readonly Constraint[];
  /** Per constraint: matching pods per domain value. */
  readonly counts: readonly Map<string, number>[];
  readonly minMatch: readonly number[];
}

export const podTopologySpreadFilter: FilterPlugin = {
  name: 'PodTopologySpread',
  preFilter: (pi, cluster, state) => {
    const hard = (pi.pod.spec?.topologySpreadConstraints ?? []).filter((c) => c.whenUnsatisfiable === 'DoNotSchedule');
    if (hard.length === 0) return 'skip';
    const constraints = hard.map((c) => resolve(c, pi));
    const counts = constraints.map(() => new Map<string, number>());
    const ns = pi.pod.metadata.namespace ?? '';
    for (const ni of cluster.nodes()) {
      const node = ni.node;
      if (!node) continue;
      const labels = node.metadata.labels ?? {};
      // Only nodes that carry every constraint's key form domains.
      if (!constraints.every((c) => labels[c.topologyKey] !== undefined)) continue;
      constraints.forEach((c, i) => {
        if (!nodeCounts(c, pi, node)) return;
        const m = counts[i];
        const v = labels[c.topologyKey] ?? '';
        m?.set(v, (m.get(v) ?? 0) + matching(ni, c, ns));
      });
    }
    const minMatch = constraints.map((c, i) => {
      const m = counts[i] ?? new Map<string, number>();
      if (m.size < c.minDomains) return 0;
      let min = Infinity;
      for (const v of m.values()) min = Math.min(min, v);
      return min === Infinity ? 0 : min;
    });
    state.set('PodTopologySpread', { constraints, counts, minMatch } satisfies FilterState);
    return undefined;
  },
  filter: (pi, ni, state) => {
    const s = state.get('PodTopologySpread') as FilterState;
    const labels = ni.node?.metadata.labels ?? {};
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i] as Constraint;
      const v = labels[c.topologyKey];
      if (v === undefined) return fail("node(s) didn't match pod topology spread constraints (missing required label)", true);
      const self = c.selector.matches(pi.pod.metadata.labels) ? 1 : 0;
      const skew = (s.counts[i]?.get(v) ?? 0) + self - (s.minMatch[i] ?? 0);
      if (skew > c.maxSkew) return fail("node(s) didn't match pod topology spread constraints");
    }
    return undefined;
  },
};

interface ScoreState {
  readonly constraints: readonly Constraint[];
  readonly counts: readonly Map<string, number>[];
  readonly weights: readonly number[];
  readonly ignored: ReadonlySet<NodeInfo>;
}

/** The cluster-level default constraints, for pods without their own, selected by what selects the pod. */
function defaultConstraints(pi: PodInfo, cluster: Cluster): Constraint[] {
  const selectors = cluster.controllerSelectors(pi);
  if (selectors.length === 0) return [];
  const selector = selectorFromRequirements(selectors.flatMap((s) => s.requirements));
  const base = { selector, minDomains: 1, honorAffinity: true, honorTaints: false };
  return [
    { ...base, maxSkew: 3, topologyKey: HOSTNAME },
    { ...base, maxSkew: 5, topologyKey: ZONE },
  ];
}

export const podTopologySpreadScore: ScorePlugin = {
  name: 'PodTopologySpread',
  weight: 2,
  preScore: (pi, nodes, cluster, state) => {
    const own = pi.pod.spec?.topologySpreadConstraints ?? [];
    const systemDefaulted = own.length === 0;
    const constraints = systemDefaulted ? defaultConstraints(pi, cluster) : own.filter((c) => c.whenUnsatisfiable === 'ScheduleAnyway').map((c) => resolve(c, pi));
    if (constraints.length === 0) return 'skip';
    const ns = pi.pod.metadata.namespace ?? '';
    const ignored = new Set<NodeInfo>();
    const domains = constraints.map(() => new Set<string>());
    for (const ni of nodes) {
      const labels = ni.node?.metadata.labels ?? {};
      if (!systemDefaulted && !constraints.every((c) => labels[c.topologyKey] !== undefined)) {
        ignored.add(ni);
        continue;
      }
      constraints.forEach((c, i) => {
        const v = labels[c.topologyKey];
        if (v !== undefined) domains[i]?.add(v);
      });
    }
    const counts = constraints.map(() => new Map<string, number>());
    constraints.forEach((c, i) => {
      const m = counts[i] as Map<string, number>;
      // Hostname domains are the feasible nodes themselves; other keys count every node.
      const over = c.topologyKey === HOSTNAME ? nodes.filter((n) => !ignored.has(n)) : cluster.nodes();
      for (const ni of over) {
        const node = ni.node;
        const v = node?.metadata.labels?.[c.topologyKey];
        if (!node || v === undefined || !domains[i]?.has(v) || !nodeCounts(c, pi, node)) continue;
        m.set(v, (m.get(v) ?? 0) + matching(ni, c, ns));
      }
    });
    const weights = domains.map((d) => Math.log(d.size + 2));
    state.set('PodTopologySpreadScore', { constraints, counts, weights, ignored } satisfies ScoreState);
    return undefined;
  },
  score: (_pi, ni, state) => {
    const s = state.get('PodTopologySpreadScore') as ScoreState;
    if (s.ignored.has(ni)) return -1;
    const labels = ni.node?.metadata.labels ?? {};
    let score = 0;
    s.constraints.forEach((c, i) => {
      const v = labels[c.topologyKey];
      if (v === undefined) return;
      score += (s.counts[i]?.get(v) ?? 0) * (s.weights[i] ?? 0) + (c.maxSkew - 1);
    });
    return Math.round(score);
  },
  normalize: (scores) => {
    // -1 marks an ignored node (it lacks a required topology key): it scores 0.
    let min = Infinity;
    let max = 0;
    for (const s of scores) {
      if (s < 0) continue;
      min = Math.min(min, s);
      max = Math.max(max, s);
    }
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i] ?? 0;
      if (s < 0) scores[i] = 0;
      else scores[i] = max === 0 ? MAX_NODE_SCORE : Math.floor((MAX_NODE_SCORE * (max + min - s)) / max);
    }
  },
};
