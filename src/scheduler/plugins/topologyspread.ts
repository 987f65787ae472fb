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
import type { PodCounts } from '../podcounts.js';
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
    const perNode = constraints.map((c) => cluster.podCounts(ns, c.selector));
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
        m?.set(v, (m.get(v) ?? 0) + (perNode[i]?.onNode(ni) ?? 0));
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
  /** Per constraint other than hostname: matching pods per domain value (hostname counts are read per node). */
  readonly counts: readonly ReadonlyMap<string, number>[];
  readonly podCounts: readonly PodCounts[];
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

/** Whether the pod has a node selector or required node affinity (else every node passes the affinity policy). */
const hasRequiredNodeAffinity = (pi: PodInfo) => pi.pod.spec?.nodeSelector !== undefined || pi.pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution !== undefined;

/**
 * Matching pods per domain of constraint `c`, for the domains of the
 * feasible nodes, over every node that counts (upstream's PreScore over
 * all nodes). When every node counts, the cache's per-value sums give it
 * without a walk of the nodes.
 */
function domainCounts(pi: PodInfo, c: Constraint, constraints: readonly Constraint[], requireAll: boolean, domains: ReadonlySet<string>, pods: PodCounts, cluster: Cluster): Map<string, number> {
  const m = new Map<string, number>();
  if (domains.size === 0) return m;
  const all = cluster.nodes();
  const policiesPassEverywhere = !c.honorTaints && (!c.honorAffinity || !hasRequiredNodeAffinity(pi));
  if (policiesPassEverywhere && (!requireAll || constraints.every((x) => cluster.nodesWithLabel(x.topologyKey) === all.length))) {
    const sums = pods.byValue(c.topologyKey);
    for (const v of domains) m.set(v, sums.get(v) ?? 0);
    return m;
  }
  for (const ni of all) {
    const node = ni.node;
    const labels = node?.metadata.labels ?? {};
    const v = labels[c.topologyKey];
    if (!node || v === undefined || !domains.has(v)) continue;
    if (requireAll && !constraints.every((x) => labels[x.topologyKey] !== undefined)) continue;
    if (nodeCounts(c, pi, node)) m.set(v, (m.get(v) ?? 0) + pods.onNode(ni));
  }
  return m;
}

export const podTopologySpreadScore: ScorePlugin = {
  name: 'PodTopologySpread',
  weight: 2,
  preScore: (pi, nodes, cluster, state) => {
    const own = pi.pod.spec?.topologySpreadConstraints ?? [];
    const systemDefaulted = own.length === 0;
    // A default constraint on a key that no node carries scores no node (only a node's own keys score), so it is skipped.
    const constraints = systemDefaulted ? defaultConstraints(pi, cluster).filter((c) => cluster.nodesWithLabel(c.topologyKey) > 0) : own.filter((c) => c.whenUnsatisfiable === 'ScheduleAnyway').map((c) => resolve(c, pi));
    if (constraints.length === 0) return 'skip';
    const ns = pi.pod.metadata.namespace ?? '';
    // Only the pod's own constraints require a node to carry every key, so that nodes without a zone still get hostname spreading.
    const requireAll = !systemDefaulted;
    const ignored = new Set<NodeInfo>();
    const domains = constraints.map(() => new Set<string>());
    let scored = 0;
    for (const ni of nodes) {
      const labels = ni.node?.metadata.labels ?? {};
      if (requireAll && !constraints.every((c) => labels[c.topologyKey] !== undefined)) {
        ignored.add(ni);
        continue;
      }
      scored++;
      // As upstream, a node without the key (system defaults only) adds the '' domain to the weight.
      constraints.forEach((c, i) => {
        if (c.topologyKey !== HOSTNAME) domains[i]?.add(labels[c.topologyKey] ?? '');
      });
    }
    const podCounts = constraints.map((c) => cluster.podCounts(ns, c.selector));
    const counts = constraints.map((c, i) => (c.topologyKey === HOSTNAME ? new Map<string, number>() : domainCounts(pi, c, constraints, requireAll, domains[i] ?? new Set(), podCounts[i] as PodCounts, cluster)));
    // Hostname domains are the scored nodes themselves.
    const weights = constraints.map((c, i) => Math.log((c.topologyKey === HOSTNAME ? scored : (domains[i]?.size ?? 0)) + 2));
    state.set('PodTopologySpreadScore', { constraints, counts, podCounts, weights, ignored } satisfies ScoreState);
    return undefined;
  },
  score: (_pi, ni, state) => {
    const s = state.get('PodTopologySpreadScore') as ScoreState;
    if (s.ignored.has(ni)) return -1;
    const labels = ni.node?.metadata.labels ?? {};
    let score = 0;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i] as Constraint;
      const v = labels[c.topologyKey];
      if (v === undefined) continue;
      const n = c.topologyKey === HOSTNAME ? (s.podCounts[i]?.onNode(ni) ?? 0) : (s.counts[i]?.get(v) ?? 0);
      score += n * (s.weights[i] ?? 0) + (c.maxSkew - 1);
    }
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
