/**
 * One scheduling attempt for one pod, as upstream's schedulePod: run the
 * filters over the nodes (starting where the last attempt stopped, and
 * stopping once enough feasible nodes are found on large clusters), score
 * the feasible ones, and pick the best (ties broken at random). A failure
 * carries upstream's FitError message ("0/3 nodes are available: …") and
 * each node's status, for PostFilter (preemption.ts).
 */
import type { Cluster, CycleState, FilterPlugin, ScorePlugin, Status } from './framework.js';
import type { NodeInfo, PodInfo } from './nodeinfo.js';

const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/**
 * How many feasible nodes to find before scoring: all of a small cluster;
 * otherwise `percentage`% of the nodes, or adaptively 50% less 1% per 125
 * nodes (at least 5%), and never fewer than 100.
 */
export function numFeasibleNodesToFind(numAllNodes: number, percentage = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let pct = percentage;
  if (pct <= 0 || pct >= 100) {
    if (pct >= 100) return numAllNodes;
    pct = Math.max(50 - Math.floor(numAllNodes / 125), MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
  }
  const n = Math.floor((numAllNodes * pct) / 100);
  return Math.max(n, MIN_FEASIBLE_NODES_TO_FIND);
}

export interface Profile {
  readonly filters: readonly FilterPlugin[];
  readonly scores: readonly ScorePlugin[];
  /** 0: adaptive, as upstream's default. */
  readonly percentageOfNodesToScore?: number;
  readonly random?: () => number;
}

/** Why a pod fits nowhere: upstream's FitError message (without the PostFilter part) and each node's status. */
export interface FitFailure {
  readonly ok: false;
  /** "0/3 nodes are available: …." */
  readonly message: string;
  /** Plugins that rejected the pod (the queue's hints). */
  readonly plugins: ReadonlySet<string>;
  /** Per node name, why it was rejected. */
  readonly statuses: ReadonlyMap<string, Status>;
}

export type ScheduleResult = { readonly ok: true; readonly node: string; readonly evaluated: number; readonly feasible: number } | FitFailure;

/** Per-node failure of one plugin. */
interface NodeStatus extends Status {
  readonly plugin: string;
  readonly node: string;
}

/** Where the next attempt starts filtering (rotates so that sampling covers every node over time). */
export interface Cursor {
  next: number;
}

/**
 * The node as the pod must see it: with the pods nominated there (by an
 * earlier preemption) that are at least as important as this one, so that
 * their room is kept for them, as upstream's RunFilterPluginsWithNominatedPods.
 */
function withNominated(pi: PodInfo, ni: NodeInfo, cluster: Cluster): NodeInfo {
  const nominated = cluster.nominatedOn(ni.name);
  if (!nominated) return ni;
  const prio = pi.pod.spec?.priority ?? 0;
  let out: NodeInfo | undefined;
  for (const n of nominated) {
    if (n.key === pi.key || (n.pod.spec?.priority ?? 0) < prio) continue;
    out ??= ni.clone();
    out.addPod(n);
  }
  return out ?? ni;
}

/** All filters (PreFilter included) for the pod on one node: the first rejection, or undefined if it fits. */
export function runFilters(pi: PodInfo, ni: NodeInfo, cluster: Cluster, profile: Profile): Status | undefined {
  const state: CycleState = new Map();
  const active: FilterPlugin[] = [];
  for (const f of profile.filters) {
    const r = f.preFilter?.(pi, cluster, state);
    if (r === 'skip') continue;
    if (r) return r;
    active.push(f);
  }
  const target = cluster.hasNominated ? withNominated(pi, ni, cluster) : ni;
  for (const f of active) {
    const s = f.filter(pi, target, state, cluster);
    if (s) return s;
  }
  return undefined;
}

export function schedulePod(pi: PodInfo, cluster: Cluster, profile: Profile, cursor: Cursor): ScheduleResult {
  const all = cluster.nodes();
  if (all.length === 0) return { ok: false, message: 'no nodes available to schedule pods', plugins: new Set(), statuses: new Map() };
  const state: CycleState = new Map();
  const active: FilterPlugin[] = [];
  for (const f of profile.filters) {
    const r = f.preFilter?.(pi, cluster, state);
    if (r === 'skip') continue;
    if (r) {
      // Every node gets the PreFilter's status; the message names the reason once.
      const statuses = new Map(all.map((n) => [n.name, r]));
      return { ok: false, message: `0/${String(all.length)} nodes are available: ${r.reasons.join(', ')}.`, plugins: new Set([f.name]), statuses };
    }
    active.push(f);
  }
  const want = numFeasibleNodesToFind(all.length, profile.percentageOfNodesToScore);
  const feasible: NodeInfo[] = [];
  const failed: NodeStatus[] = [];
  const nominated = cluster.hasNominated;
  let processed = 0;
  const start = cursor.next % all.length;
  for (; processed < all.length && feasible.length < want; processed++) {
    const ni = all[(start + processed) % all.length] as NodeInfo;
    const target = nominated ? withNominated(pi, ni, cluster) : ni;
    let status: NodeStatus | undefined;
    for (const f of active) {
      const s = f.filter(pi, target, state, cluster);
      if (s) {
        status = { ...s, plugin: f.name, node: ni.name };
        break;
      }
    }
    if (status) failed.push(status);
    else feasible.push(ni);
  }
  cursor.next = (start + processed) % all.length;
  if (feasible.length === 0) {
    const message = `0/${String(all.length)} nodes are available: ${histogram(failed.flatMap((s) => s.reasons))}.`;
    return { ok: false, message, plugins: new Set(failed.map((s) => s.plugin)), statuses: new Map(failed.map((s) => [s.node, s])) };
  }
  if (feasible.length === 1) return { ok: true, node: feasible[0]?.name ?? '', evaluated: processed, feasible: 1 };
  const totals = prioritize(pi, feasible, cluster, profile, state);
  return { ok: true, node: selectHost(feasible, totals, profile.random ?? Math.random), evaluated: processed, feasible: feasible.length };
}

/** Weighted sum of every score plugin's normalized scores, per feasible node. */
export function prioritize(pi: PodInfo, nodes: readonly NodeInfo[], cluster: Cluster, profile: Profile, state: CycleState): number[] {
  const totals = new Array<number>(nodes.length).fill(0);
  const scores = new Array<number>(nodes.length);
  for (const p of profile.scores) {
    if (p.preScore?.(pi, nodes, cluster, state) === 'skip') continue;
    for (let i = 0; i < nodes.length; i++) scores[i] = p.score(pi, nodes[i] as NodeInfo, state, cluster);
    p.normalize?.(scores, state);
    for (let i = 0; i < nodes.length; i++) totals[i] = (totals[i] ?? 0) + (scores[i] ?? 0) * p.weight;
  }
  return totals;
}

/** The highest total; among equals, each has the same chance (reservoir sampling, as upstream). */
function selectHost(nodes: readonly NodeInfo[], totals: readonly number[], random: () => number): string {
  let best = 0;
  let ties = 1;
  for (let i = 1; i < nodes.length; i++) {
    const t = totals[i] ?? 0;
    const b = totals[best] ?? 0;
    if (t > b) {
      best = i;
      ties = 1;
    } else if (t === b) {
      ties++;
      if (random() * ties < 1) best = i;
    }
  }
  return nodes[best]?.name ?? '';
}

/** "N reason" counts, sorted as strings, as upstream's FitError. */
export function histogram(reasons: Iterable<string>): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${String(n)} ${r}`).sort().join(', ');
}
