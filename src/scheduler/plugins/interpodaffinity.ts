/**
 * InterPodAffinity: required pod affinity and anti-affinity of the pod, and
 * the required anti-affinity of pods already placed (symmetry), as filters;
 * preferred terms (both ways) and existing pods' required affinity as a
 * score. Counts are kept per topology pair (`key`, node's value of it).
 */
import { fail, MAX_NODE_SCORE, type FilterPlugin, type ScorePlugin } from '../framework.js';
import type { NodeInfo, PodInfo } from '../nodeinfo.js';
import type { Pod } from '../types.js';
import { resolveTerm, termSelects, type ResolvedTerm } from './helpers.js';

const pairKey = (key: string, value: string) => `${key}\u0000${value}`;

interface AffinityState {
  readonly affinity: readonly ResolvedTerm[];
  readonly antiAffinity: readonly ResolvedTerm[];
  /** Pairs holding pods that match every affinity term. */
  readonly affinityCounts: Map<string, number>;
  /** Per anti-affinity term's pairs, pods that match it (one map for all terms: pairs are keyed by topology key). */
  readonly antiAffinityCounts: Map<string, number>;
  /** Pairs where an existing pod's required anti-affinity rejects this pod. */
  readonly existingAntiAffinityCounts: Map<string, number>;
}

const bump = (m: Map<string, number>, k: string, by = 1) => m.set(k, (m.get(k) ?? 0) + by);

function requiredTerms(pod: Pod, anti: boolean): ResolvedTerm[] {
  const a = anti ? pod.spec?.affinity?.podAntiAffinity : pod.spec?.affinity?.podAffinity;
  return (a?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => resolveTerm(t, pod));
}

export const interPodAffinityFilter: FilterPlugin = {
  name: 'InterPodAffinity',
  preFilter: (pi, cluster, state) => {
    const affinity = requiredTerms(pi.pod, false);
    const antiAffinity = requiredTerms(pi.pod, true);
    const ns = (n: string) => cluster.namespaceLabels(n);
    const existingAntiAffinityCounts = new Map<string, number>();
    for (const other of cluster.podsWithRequiredAntiAffinity) {
      const node = cluster.node(other.pod.spec?.nodeName ?? '')?.node;
      if (!node) continue;
      for (const t of requiredTerms(other.pod, true)) {
        const v = node.metadata.labels?.[t.topologyKey];
        if (v !== undefined && termSelects(t, pi.pod, ns)) bump(existingAntiAffinityCounts, pairKey(t.topologyKey, v));
      }
    }
    if (affinity.length === 0 && antiAffinity.length === 0 && existingAntiAffinityCounts.size === 0) return 'skip';
    const affinityCounts = new Map<string, number>();
    const antiAffinityCounts = new Map<string, number>();
    if (affinity.length || antiAffinity.length) {
      for (const ni of cluster.nodes()) {
        const labels = ni.node?.metadata.labels ?? {};
        for (const other of ni.pods.values()) {
          if (affinity.length && affinity.every((t) => termSelects(t, other.pod, ns)))
            for (const t of affinity) {
              const v = labels[t.topologyKey];
              if (v !== undefined) bump(affinityCounts, pairKey(t.topologyKey, v));
            }
          for (const t of antiAffinity) {
            const v = labels[t.topologyKey];
            if (v !== undefined && termSelects(t, other.pod, ns)) bump(antiAffinityCounts, pairKey(t.topologyKey, v));
          }
        }
      }
    }
    const s: AffinityState = { affinity, antiAffinity, affinityCounts, antiAffinityCounts, existingAntiAffinityCounts };
    state.set('InterPodAffinity', s);
    return undefined;
  },
  filter: (pi, ni, state, cluster) => {
    const s = state.get('InterPodAffinity') as AffinityState | undefined;
    if (!s) return undefined;
    const labels = ni.node?.metadata.labels ?? {};
    if (s.existingAntiAffinityCounts.size)
      for (const [k, v] of Object.entries(labels)) if ((s.existingAntiAffinityCounts.get(pairKey(k, v)) ?? 0) > 0) return fail("node(s) didn't satisfy existing pods anti-affinity rules");
    if (s.affinity.length) {
      const podsExist = s.affinity.every((t) => {
        const v = labels[t.topologyKey];
        return v !== undefined && (s.affinityCounts.get(pairKey(t.topologyKey, v)) ?? 0) > 0;
      });
      // The first pod of a group that selects itself may go anywhere that has the topology keys.
      const firstOfItsKind = s.affinityCounts.size === 0 && s.affinity.every((t) => termSelects(t, pi.pod, (n) => cluster.namespaceLabels(n)) && labels[t.topologyKey] !== undefined);
      if (!podsExist && !firstOfItsKind) return fail("node(s) didn't match pod affinity rules", true);
    }
    for (const t of s.antiAffinity) {
      const v = labels[t.topologyKey];
      if (v !== undefined && (s.antiAffinityCounts.get(pairKey(t.topologyKey, v)) ?? 0) > 0) return fail("node(s) didn't match pod anti-affinity rules");
    }
    return undefined;
  },
};

/** Weight given to an existing pod's required affinity term that selects the incoming pod (upstream's hardPodAffinityWeight). */
const HARD_POD_AFFINITY_WEIGHT = 1;

function preferred(pod: Pod, anti: boolean): ResolvedTerm[] {
  const a = anti ? pod.spec?.affinity?.podAntiAffinity : pod.spec?.affinity?.podAffinity;
  return (a?.preferredDuringSchedulingIgnoredDuringExecution ?? []).filter((w) => w.weight !== 0).map((w) => resolveTerm(w.podAffinityTerm, pod, w.weight));
}

export const interPodAffinityScore: ScorePlugin = {
  name: 'InterPodAffinity',
  weight: 2,
  preScore: (pi, _nodes, cluster, state) => {
    const ns = (n: string) => cluster.namespaceLabels(n);
    const aff = preferred(pi.pod, false);
    const anti = preferred(pi.pod, true);
    const hasOwn = aff.length + anti.length > 0;
    if (!hasOwn && cluster.podsWithAffinity.size === 0) return 'skip';
    const scores = new Map<string, number>();
    const add = (ni: NodeInfo, t: ResolvedTerm, by: number) => {
      const v = ni.node?.metadata.labels?.[t.topologyKey];
      if (v !== undefined) bump(scores, pairKey(t.topologyKey, v), by);
    };
    const visit = (other: PodInfo, ni: NodeInfo) => {
      for (const t of aff) if (termSelects(t, other.pod, ns)) add(ni, t, t.weight);
      for (const t of anti) if (termSelects(t, other.pod, ns)) add(ni, t, -t.weight);
      if (!other.hasAffinity) return;
      for (const t of requiredTerms(other.pod, false)) if (termSelects(t, pi.pod, ns)) add(ni, t, HARD_POD_AFFINITY_WEIGHT);
      for (const t of preferred(other.pod, false)) if (termSelects(t, pi.pod, ns)) add(ni, t, t.weight);
      for (const t of preferred(other.pod, true)) if (termSelects(t, pi.pod, ns)) add(ni, t, -t.weight);
    };
    if (hasOwn) {
      for (const ni of cluster.nodes()) for (const other of ni.pods.values()) visit(other, ni);
    } else {
      for (const other of cluster.podsWithAffinity) {
        const ni = cluster.node(other.pod.spec?.nodeName ?? '');
        if (ni) visit(other, ni);
      }
    }
    if (scores.size === 0) return 'skip';
    state.set('InterPodAffinityScore', scores);
    return undefined;
  },
  score: (_pi, ni, state) => {
    const scores = state.get('InterPodAffinityScore') as Map<string, number>;
    let s = 0;
    for (const [k, v] of Object.entries(ni.node?.metadata.labels ?? {})) s += scores.get(pairKey(k, v)) ?? 0;
    return s;
  },
  normalize: (scores) => {
    let min = Infinity;
    let max = -Infinity;
    for (const s of scores) {
      min = Math.min(min, s);
      max = Math.max(max, s);
    }
    for (let i = 0; i < scores.length; i++) scores[i] = max - min > 0 ? Math.floor((MAX_NODE_SCORE * ((scores[i] ?? 0) - min)) / (max - min)) : 0;
  },
};
