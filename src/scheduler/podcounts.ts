/**
 * How many pods a label selector matches, per node and per value of a node
 * label, kept up to date by the scheduler cache as pods are added, removed
 * and assumed. PodTopologySpread needs these counts for every pod it
 * scores; walking every pod on every node for each of them (as upstream
 * does, on many threads) costs O(pods in the cluster) per pod. A selector
 * is tracked from its first use (one walk of all pods) and then updated
 * per pod event; the least recently used are dropped past a bound.
 */
import type { LabelSelector } from '../api/labels.js';
import type { NodeInfo, PodInfo } from './nodeinfo.js';

/** Counts of the pods one selector matches in one namespace. */
export interface PodCounts {
  /** Matching pods on the node; a NodeInfo that is not the cache's own (a preemption or nomination copy) has its pods walked. */
  onNode(ni: NodeInfo): number;
  /** Matching pods per value of the node label `key`, summed over every node that has the label. */
  byValue(key: string): ReadonlyMap<string, number>;
}

/** Whether `pi` counts for the selector: same namespace, not terminating, labels match (upstream's countPodsMatchSelector). */
export const podMatches = (pi: PodInfo, namespace: string, selector: LabelSelector): boolean =>
  pi.pod.metadata.namespace === namespace && !pi.pod.metadata.deletionTimestamp && selector.matches(pi.pod.metadata.labels);

/** Walks the node's pods (for NodeInfos the index does not track). */
export function countOnNode(ni: NodeInfo, namespace: string, selector: LabelSelector): number {
  let n = 0;
  for (const pi of ni.pods.values()) if (podMatches(pi, namespace, selector)) n++;
  return n;
}

/** Most selectors tracked at once; past it the least recently used is dropped (and rebuilt if asked for again). */
const MAX_TRACKED = 512;

const bump = (m: Map<string, number>, k: string, by: number) => {
  const n = (m.get(k) ?? 0) + by;
  if (n > 0) m.set(k, n);
  else m.delete(k);
};

/** The first requirement that pins a label to one value: only pods with that label value need a full match. */
function pinOf(selector: LabelSelector): { key: string; value: string } | undefined {
  for (const r of selector.requirements) {
    const value = selector.requiresExactMatch(r.key);
    if (value !== undefined) return { key: r.key, value };
  }
  return undefined;
}

class Tracked implements PodCounts {
  /** Node name → matching pods there (absent: none). */
  readonly perNode = new Map<string, number>();
  /** Label key → value → matching pods on nodes with that value; built on first use, dropped when node labels change. */
  readonly byKey = new Map<string, Map<string, number>>();
  readonly pin: { key: string; value: string } | undefined;

  constructor(
    readonly id: string,
    readonly namespace: string,
    readonly selector: LabelSelector,
    readonly nodes: ReadonlyMap<string, NodeInfo>,
  ) {
    this.pin = pinOf(selector);
  }

  onNode(ni: NodeInfo): number {
    if (this.nodes.get(ni.name) !== ni) return countOnNode(ni, this.namespace, this.selector);
    return this.perNode.get(ni.name) ?? 0;
  }

  byValue(key: string): ReadonlyMap<string, number> {
    let m = this.byKey.get(key);
    if (!m) {
      m = new Map();
      for (const [name, n] of this.perNode) {
        const v = this.nodes.get(name)?.node?.metadata.labels?.[key];
        if (v !== undefined) bump(m, v, n);
      }
      this.byKey.set(key, m);
    }
    return m;
  }

  /** Counts (by +1 or −1) a pod on `ni` if the selector matches it. */
  count(pi: PodInfo, ni: NodeInfo, by: 1 | -1): void {
    if (!podMatches(pi, this.namespace, this.selector)) return;
    bump(this.perNode, ni.name, by);
    if (this.byKey.size === 0) return;
    const labels = ni.node?.metadata.labels;
    if (!labels) return;
    for (const [key, m] of this.byKey) {
      const v = labels[key];
      if (v !== undefined) bump(m, v, by);
    }
  }
}

/** The selectors in use and their counts; the cache calls `podAdded`/`podRemoved`/`nodeLabelsChanged`. */
export class PodCountIndex {
  readonly #nodes: ReadonlyMap<string, NodeInfo>;
  /** Tracked selectors by id, least recently used first. */
  readonly #tracked = new Map<string, Tracked>();
  /** Namespace and pinned label key → pinned value → selectors pinned to it. */
  readonly #pinned = new Map<string, Map<string, Set<Tracked>>>();
  /** Per namespace, selectors that pin no label (every pod of the namespace is matched against them). */
  readonly #unpinned = new Map<string, Set<Tracked>>();

  /** `nodes`: the cache's NodeInfos by name (read, never changed, by the index). */
  constructor(nodes: ReadonlyMap<string, NodeInfo>) {
    this.#nodes = nodes;
  }

  /** Counts for the selector's pods in `namespace`, tracked from now on. */
  counts(namespace: string, selector: LabelSelector): PodCounts {
    // A nothing-selector and an everything-selector both print as ''.
    const id = `${namespace}\u0000${selector.empty ? '*' : selector.requirements.length === 0 ? '!' : selector.toString()}`;
    let t = this.#tracked.get(id);
    if (t) {
      this.#tracked.delete(id);
      this.#tracked.set(id, t);
      return t;
    }
    t = new Tracked(id, namespace, selector, this.#nodes);
    for (const ni of this.#nodes.values()) for (const pi of ni.pods.values()) t.count(pi, ni, 1);
    this.#tracked.set(id, t);
    this.#group(t).add(t);
    if (this.#tracked.size > MAX_TRACKED) {
      const oldest = this.#tracked.values().next().value;
      if (oldest) this.#drop(oldest);
    }
    return t;
  }

  podAdded(pi: PodInfo, ni: NodeInfo): void {
    this.#each(pi, (t) => t.count(pi, ni, 1));
  }

  podRemoved(pi: PodInfo, ni: NodeInfo): void {
    this.#each(pi, (t) => t.count(pi, ni, -1));
  }

  /** A node appeared, went away or changed labels: per-value sums are rebuilt when next read. */
  nodeLabelsChanged(): void {
    for (const t of this.#tracked.values()) t.byKey.clear();
  }

  /** The selectors that may match the pod: those pinned to one of its label values, and the unpinned ones. */
  #each(pi: PodInfo, fn: (t: Tracked) => void): void {
    if (this.#tracked.size === 0) return;
    const ns = pi.pod.metadata.namespace ?? '';
    for (const t of this.#unpinned.get(ns) ?? []) fn(t);
    const labels = pi.pod.metadata.labels;
    if (!labels) return;
    for (const [k, v] of Object.entries(labels)) {
      const set = this.#pinned.get(`${ns}\u0000${k}`)?.get(v);
      if (set) for (const t of set) fn(t);
    }
  }

  #group(t: Tracked): Set<Tracked> {
    if (!t.pin) {
      let set = this.#unpinned.get(t.namespace);
      if (!set) this.#unpinned.set(t.namespace, (set = new Set<Tracked>()));
      return set;
    }
    const k = `${t.namespace}\u0000${t.pin.key}`;
    let byValue = this.#pinned.get(k);
    if (!byValue) this.#pinned.set(k, (byValue = new Map<string, Set<Tracked>>()));
    let set = byValue.get(t.pin.value);
    if (!set) byValue.set(t.pin.value, (set = new Set<Tracked>()));
    return set;
  }

  #drop(t: Tracked): void {
    this.#tracked.delete(t.id);
    const set = this.#group(t);
    set.delete(t);
    if (set.size > 0) return;
    if (!t.pin) this.#unpinned.delete(t.namespace);
    else {
      const k = `${t.namespace}\u0000${t.pin.key}`;
      const byValue = this.#pinned.get(k);
      byValue?.delete(t.pin.value);
      if (byValue?.size === 0) this.#pinned.delete(k);
    }
  }
}
