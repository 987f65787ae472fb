/**
 * One scheduling attempt for one pod, as upstream's schedulePod: run the
 * filters over the nodes (starting where the last attempt stopped, and
 * stopping once enough feasible nodes are found on large clusters), score
 * the feasible ones, and pick the best (ties broken at random). A failure
 * carries upstream's FitError message: "0/3 nodes are available: …".
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

export type ScheduleResult =
  | { readonly ok: true; readonly node: string; readonly evaluated: number; readonly feasible: number }
  | { readonly ok: false; readonly message: string; readonly plugins: ReadonlySet<string> };

/** Per-node failure of one plugin. */
interface NodeStatus extends Status {
  readonly plugin: string;
}

/** Where the next attempt starts filtering (rotates so that sampling covers every node over time). */
export interface Cursor {
  next: number;
}

export function schedulePod(pi: PodInfo, cluster: Cluster, profile: Profile, cursor: Cursor): ScheduleResult {
  const all = cluster.nodes();
  if (all.length === 0) return { ok: false, message: 'no nodes available to schedule pods', plugins: new Set() };
  const state: CycleState = new Map();
  const active: FilterPlugin[] = [];
  for (const f of profile.filters) {
    const r = f.preFilter?.(pi, cluster, state);
    if (r === 'skip') continue;
    if (r) {
      const msg = `0/${String(all.length)} nodes are available: ${r.reasons.join(', ')}.`;
      return { ok: false, message: `${msg} ${preemptionMessage(pi, all.length, r.unresolvable === true ? all.length : 0, r.unresolvable === true ? 0 : all.length)}`, plugins: new Set([f.name]) };
    }
    active.push(f);
  }
  const want = numFeasibleNodesToFind(all.length, profile.percentageOfNodesToScore);
  const feasible: NodeInfo[] = [];
  const failed: NodeStatus[] = [];
  let processed = 0;
  const start = cursor.next % all.length;
  for (; processed < all.length && feasible.length < want; processed++) {
    const ni = all[(start + processed) % all.length] as NodeInfo;
    let status: NodeStatus | undefined;
    for (const f of active) {
      const s = f.filter(pi, ni, state, cluster);
      if (s) {
        status = { ...s, plugin: f.name };
        break;
      }
    }
    if (status) failed.push(status);
    else feasible.push(ni);
  }
  cursor.next = (start + processed) % all.length;
  if (feasible.length === 0) return { ok: false, message: fitError(pi, all.length, failed), plugins: new Set(failed.map((s) => s.plugin)) };
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
function histogram(reasons: Iterable<string>): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${String(n)} ${r}`).sort().join(', ');
}

function fitError(pi: PodInfo, numAllNodes: number, failed: readonly NodeStatus[]): string {
  const msg = `0/${String(numAllNodes)} nodes are available: ${histogram(failed.flatMap((s) => s.reasons))}.`;
  const unresolvable = failed.filter((s) => s.unresolvable).length;
  return `${msg} ${preemptionMessage(pi, numAllNodes, unresolvable, failed.length - unresolvable)}`;
}

/**
 * DefaultPreemption's part of the message. skiff does not preempt yet: a
 * node whose rejection preemption cannot cure is "not helpful", the others
 * have no victims.
 */
function preemptionMessage(pi: PodInfo, numAllNodes: number, unresolvable: number, resolvable: number): string {
  if (pi.pod.spec?.preemptionPolicy === 'Never') return 'preemption: not eligible due to preemptionPolicy=Never.';
  const parts = [...Array<string>(unresolvable).fill('Preemption is not helpful for scheduling'), ...Array<string>(resolvable).fill('No preemption victims found for incoming pod')];
  return `preemption: 0/${String(numAllNodes)} nodes are available: ${histogram(parts)}.`;
}
