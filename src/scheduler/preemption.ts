/**
 * DefaultPreemption (PostFilter), as upstream: when a pod fits nowhere, find
 * the node where deleting the fewest, least important lower-priority pods
 * lets it fit. Nodes rejected for reasons preemption cannot cure are not
 * tried; on each other node every lower-priority pod is removed, the pod
 * must then fit, and victims are reprieved one by one (most important
 * first, PodDisruptionBudget-protected ones before the others) while it
 * still fits. The best node has the fewest budget violations, then the
 * lowest highest victim priority, the lowest priority sum, the fewest
 * victims, the latest start among its most important victims. Pure: the
 * scheduler deletes the victims and nominates the node (scheduler.ts).
 */
import { fromLabelSelector } from '../api/labels.js';
import type { KubeObject } from '../api/meta.js';
import { histogram, runFilters, type FitFailure, type Profile } from './algorithm.js';
import type { Cluster } from './framework.js';
import type { NodeInfo, PodInfo } from './nodeinfo.js';
import type { Pod } from './types.js';

export interface PDB extends KubeObject {
  readonly spec?: { readonly selector?: Parameters<typeof fromLabelSelector>[0] };
  readonly status?: { readonly disruptionsAllowed?: number; readonly disruptedPods?: Readonly<Record<string, string>> };
}

export type PreemptionResult = { readonly node: string; readonly victims: readonly PodInfo[] } | { readonly message: string };

/** The reason and message upstream puts on a victim's DisruptionTarget condition. */
export const PREEMPTION_REASON = 'PreemptionByScheduler';

/** Upstream tries at least 100 nodes, else 10% of them. */
const MIN_CANDIDATE_NODES_ABSOLUTE = 100;
const MIN_CANDIDATE_NODES_PERCENTAGE = 10;

export const priorityOf = (p: Pod): number => p.spec?.priority ?? 0;

/** When the pod started (pods that have not started count as starting now). */
const startOf = (p: Pod): number => {
  const t = Date.parse((p.status as { startTime?: string } | undefined)?.startTime ?? '');
  return Number.isNaN(t) ? Date.now() : t;
};

/** Upstream's MoreImportantPod: higher priority, then the one that started first. */
const moreImportant = (a: Pod, b: Pod): boolean => (priorityOf(a) !== priorityOf(b) ? priorityOf(a) > priorityOf(b) : startOf(a) < startOf(b));

const terminatingByPreemption = (p: Pod): boolean => !!p.metadata.deletionTimestamp && !!p.status?.conditions?.some((c) => c.type === 'DisruptionTarget' && c.reason === PREEMPTION_REASON);

/** Why the pod may not preempt, or undefined if it may (upstream's PodEligibleToPreemptOthers). */
export function notEligible(pi: PodInfo, cluster: Cluster, failure: FitFailure): string | undefined {
  if (pi.pod.spec?.preemptionPolicy === 'Never') return 'not eligible due to preemptionPolicy=Never.';
  const nominated = (pi.pod.status as { nominatedNodeName?: string } | undefined)?.nominatedNodeName;
  if (!nominated || failure.statuses.get(nominated)?.unresolvable === true) return undefined;
  const ni = cluster.node(nominated);
  const prio = priorityOf(pi.pod);
  for (const p of ni?.pods.values() ?? []) if (priorityOf(p.pod) < prio && terminatingByPreemption(p.pod)) return 'not eligible due to a terminating pod on the nominated node.';
  return undefined;
}

/** The cluster as it would be with `sim` in place of the node of the same name. */
function withNode(cluster: Cluster, sim: NodeInfo): Cluster {
  const nodes = cluster.nodes().map((n) => (n.name === sim.name ? sim : n));
  const present = (set: ReadonlySet<PodInfo>) => new Set([...set].filter((p) => p.pod.spec?.nodeName !== sim.name || sim.pods.get(p.key) === p));
  return {
    ...cluster,
    hasImages: cluster.hasImages,
    nodes: () => nodes,
    node: (name) => (name === sim.name ? sim : cluster.node(name)),
    podsWithRequiredAntiAffinity: present(cluster.podsWithRequiredAntiAffinity),
    podsWithAffinity: present(cluster.podsWithAffinity),
  };
}

interface Candidate {
  readonly node: string;
  readonly victims: readonly PodInfo[];
  readonly violations: number;
}

/** Budgets' allowed disruptions, split into the pods whose deletion would break one and the others (upstream's filterPodsWithPDBViolation). */
function splitByBudget(pods: readonly PodInfo[], pdbs: readonly PDB[]): { violating: PodInfo[]; other: PodInfo[] } {
  const allowed = pdbs.map((b) => b.status?.disruptionsAllowed ?? 0);
  const violating: PodInfo[] = [];
  const other: PodInfo[] = [];
  for (const p of pods) {
    let violated = false;
    const labels = p.pod.metadata.labels;
    if (labels && Object.keys(labels).length)
      for (let i = 0; i < pdbs.length; i++) {
        const b = pdbs[i] as PDB;
        // A budget counts the pods it already let go in disruptedPods: not again.
        if (b.metadata.namespace !== p.pod.metadata.namespace || b.status?.disruptedPods?.[p.pod.metadata.name ?? ''] !== undefined) continue;
        let matches: boolean;
        try {
          const sel = fromLabelSelector(b.spec?.selector);
          matches = !sel.empty && sel.matches(labels);
        } catch {
          matches = false;
        }
        if (!matches) continue;
        allowed[i] = (allowed[i] ?? 0) - 1;
        if ((allowed[i] ?? 0) < 0) violated = true;
      }
    (violated ? violating : other).push(p);
  }
  return { violating, other };
}

/** The fewest, least important victims on one node, or the reasons the pod cannot fit there even so. */
function selectVictims(pi: PodInfo, ni: NodeInfo, cluster: Cluster, profile: Profile, pdbs: readonly PDB[]): Candidate | readonly string[] {
  const prio = priorityOf(pi.pod);
  const potential = [...ni.pods.values()].filter((p) => priorityOf(p.pod) < prio);
  if (potential.length === 0) return ['No preemption victims found for incoming pod'];
  const sim = ni.clone();
  for (const p of potential) sim.removePod(p.key);
  const fits = () => runFilters(pi, sim, withNode(cluster, sim), profile);
  const first = fits();
  if (first) return first.reasons;
  potential.sort((a, b) => (moreImportant(a.pod, b.pod) ? -1 : moreImportant(b.pod, a.pod) ? 1 : 0));
  const { violating, other } = splitByBudget(potential, pdbs);
  const victims: PodInfo[] = [];
  let violations = 0;
  const reprieve = (p: PodInfo): boolean => {
    sim.addPod(p);
    if (!fits()) return true;
    sim.removePod(p.key);
    victims.push(p);
    return false;
  };
  for (const p of violating) if (!reprieve(p)) violations++;
  for (const p of other) reprieve(p);
  if (violating.length && other.length) victims.sort((a, b) => (moreImportant(a.pod, b.pod) ? -1 : moreImportant(b.pod, a.pod) ? 1 : 0));
  return { node: ni.name, victims, violations };
}

/** Upstream's pickOneNodeForPreemption. */
function pickOne(candidates: readonly Candidate[]): Candidate | undefined {
  const highest = (c: Candidate) => (c.victims.length ? priorityOf(c.victims[0]?.pod ?? { metadata: {}, apiVersion: 'v1', kind: 'Pod' }) : -Infinity);
  // Priorities shifted to be positive (as upstream adds MaxInt32+1), so that more victims never sum lower.
  const sum = (c: Candidate) => c.victims.reduce((s, v) => s + priorityOf(v.pod) + 2 ** 31, 0);
  const earliestOfHighest = (c: Candidate) => {
    const top = highest(c);
    let t = Infinity;
    for (const v of c.victims) if (priorityOf(v.pod) === top) t = Math.min(t, startOf(v.pod));
    return t;
  };
  const criteria: ((c: Candidate) => number)[] = [(c) => -c.violations, (c) => -highest(c), (c) => -sum(c), (c) => -c.victims.length, earliestOfHighest];
  let best = [...candidates];
  for (const score of criteria) {
    if (best.length <= 1) break;
    const top = Math.max(...best.map(score));
    best = best.filter((c) => score(c) === top);
  }
  return best[0];
}

/** PostFilter: a node and its victims, or upstream's `preemption:` message saying why none. */
export function preempt(pi: PodInfo, cluster: Cluster, profile: Profile, failure: FitFailure, pdbs: readonly PDB[], random: () => number = Math.random): PreemptionResult {
  const why = notEligible(pi, cluster, failure);
  if (why) return { message: `preemption: ${why}` };
  const all = cluster.nodes();
  const reasons: string[] = [];
  const potential: NodeInfo[] = [];
  for (const ni of all) {
    const s = failure.statuses.get(ni.name);
    if (!s || s.unresolvable) reasons.push('Preemption is not helpful for scheduling');
    else potential.push(ni);
  }
  const want = Math.min(potential.length, Math.max(Math.floor((potential.length * MIN_CANDIDATE_NODES_PERCENTAGE) / 100), MIN_CANDIDATE_NODES_ABSOLUTE));
  const candidates: Candidate[] = [];
  const offset = potential.length ? Math.floor(random() * potential.length) : 0;
  for (let i = 0; i < potential.length; i++) {
    const ni = potential[(offset + i) % potential.length] as NodeInfo;
    if (candidates.length >= want) break;
    const r = selectVictims(pi, ni, cluster, profile, pdbs);
    if ('victims' in r) candidates.push(r);
    else reasons.push(...r);
  }
  const best = pickOne(candidates);
  if (best) return { node: best.node, victims: best.victims };
  return { message: `preemption: 0/${String(all.length)} nodes are available: ${histogram(reasons)}.` };
}
