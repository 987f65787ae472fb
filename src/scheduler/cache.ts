/**
 * The scheduler cache: a NodeInfo per node, fed by the node and pod
 * informers, plus the pods this scheduler assumed onto a node before the
 * binding was seen, so that the next pod already sees them (upstream's
 * assume/forget). An assumed pod becomes an ordinary one when the informer
 * reports it bound; it is forgotten if its binding fails.
 */
import type { LabelSelector } from '../api/labels.js';
import { newPodInfo, NodeInfo, type PodInfo } from './nodeinfo.js';
import { PodCountIndex, type PodCounts } from './podcounts.js';
import type { Cluster } from './framework.js';
import type { Node, Pod } from './types.js';

export class SchedulerCache {
  readonly #nodes = new Map<string, NodeInfo>();
  /** Node names in a stable order, for sampling with a rotating start. */
  #order: NodeInfo[] | undefined;
  /** Where each pod is counted (key → node name). */
  readonly #podNode = new Map<string, string>();
  readonly #assumed = new Set<string>();
  /** Every counted pod with required anti-affinity (any node), for the existing-pods anti-affinity check. */
  readonly podsWithRequiredAntiAffinity = new Set<PodInfo>();
  /** Every counted pod with affinity or anti-affinity (for scoring symmetry). */
  readonly podsWithAffinity = new Set<PodInfo>();
  /** How many nodes hold each image name (ImageLocality's spread), kept as nodes change. */
  readonly #imageNodes = new Map<string, number>();
  /** How many nodes carry each label key (a spread constraint on a key no node has is skipped). */
  readonly #labelKeys = new Map<string, number>();
  /** Pods per node matching the selectors PodTopologySpread asks about. */
  readonly #counts = new PodCountIndex(this.#nodes);

  #info(name: string): NodeInfo {
    let ni = this.#nodes.get(name);
    if (!ni) {
      this.#nodes.set(name, (ni = new NodeInfo(name)));
    }
    return ni;
  }

  addOrUpdateNode(node: Node): void {
    const name = node.metadata.name ?? '';
    const isNew = !this.#nodes.get(name)?.node;
    const ni = this.#info(name);
    const oldLabels = ni.node?.metadata.labels;
    this.#countImages(ni, -1);
    ni.setNode(node);
    this.#countImages(ni, 1);
    if (isNew || !sameLabels(oldLabels, node.metadata.labels)) {
      this.#countLabels(oldLabels, -1);
      this.#countLabels(node.metadata.labels, 1);
      this.#counts.nodeLabelsChanged();
    }
    if (isNew) this.#order = undefined;
  }

  /** Nodes that carry the label key (any value). */
  nodesWithLabel(key: string): number {
    return this.#labelKeys.get(key) ?? 0;
  }

  /** Pods in `namespace` that `selector` matches, per node and per node label value, kept as pods change. */
  podCounts(namespace: string, selector: LabelSelector): PodCounts {
    return this.#counts.counts(namespace, selector);
  }

  #countLabels(labels: Readonly<Record<string, string>> | undefined, by: 1 | -1): void {
    for (const k of Object.keys(labels ?? {})) {
      const n = (this.#labelKeys.get(k) ?? 0) + by;
      if (n > 0) this.#labelKeys.set(k, n);
      else this.#labelKeys.delete(k);
    }
  }

  /** Nodes whose status lists the image name. */
  imageNodes(name: string): number {
    return this.#imageNodes.get(name) ?? 0;
  }

  /** Whether any node lists images at all. */
  get hasImages(): boolean {
    return this.#imageNodes.size > 0;
  }

  #countImages(ni: NodeInfo, by: 1 | -1): void {
    for (const name of ni.images.keys()) {
      const n = (this.#imageNodes.get(name) ?? 0) + by;
      if (n > 0) this.#imageNodes.set(name, n);
      else this.#imageNodes.delete(name);
    }
  }

  removeNode(name: string): void {
    const ni = this.#nodes.get(name);
    if (!ni) return;
    this.#countImages(ni, -1);
    this.#countLabels(ni.node?.metadata.labels, -1);
    ni.images = new Map();
    ni.node = undefined;
    this.#counts.nodeLabelsChanged();
    // Pods still counted there stay until their own delete arrives.
    if (ni.pods.size === 0) this.#nodes.delete(name);
    this.#order = undefined;
  }

  /** The nodes that exist (have a Node object), in a stable order. */
  nodes(): readonly NodeInfo[] {
    this.#order ??= [...this.#nodes.values()].filter((n) => n.node !== undefined).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return this.#order;
  }

  node(name: string): NodeInfo | undefined {
    const ni = this.#nodes.get(name);
    return ni?.node ? ni : undefined;
  }

  /** Counts a bound pod on its node (replacing what was counted for it, assumed or not). */
  addOrUpdatePod(pod: Pod): void {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return;
    const pi = newPodInfo(pod);
    this.#remove(pi.key);
    this.#assumed.delete(pi.key);
    this.#put(nodeName, pi);
  }

  removePod(key: string): void {
    this.#remove(key);
    this.#assumed.delete(key);
  }

  /** Counts `pod` on `nodeName` before the binding is written. */
  assume(pod: Pod, nodeName: string): PodInfo {
    const pi = newPodInfo({ ...pod, spec: { ...pod.spec, nodeName } });
    this.#remove(pi.key);
    this.#put(nodeName, pi);
    this.#assumed.add(pi.key);
    return pi;
  }

  /** Undoes `assume` (the binding failed), unless the pod was seen bound meanwhile. */
  forget(key: string): void {
    if (this.#assumed.delete(key)) this.#remove(key);
  }

  isAssumed(key: string): boolean {
    return this.#assumed.has(key);
  }

  /** Where the pod is counted, if anywhere. */
  nodeOf(key: string): string | undefined {
    return this.#podNode.get(key);
  }

  #put(nodeName: string, pi: PodInfo): void {
    const ni = this.#info(nodeName);
    ni.addPod(pi);
    this.#counts.podAdded(pi, ni);
    this.#podNode.set(pi.key, nodeName);
    if (pi.hasRequiredAntiAffinity) this.podsWithRequiredAntiAffinity.add(pi);
    if (pi.hasAffinity) this.podsWithAffinity.add(pi);
  }

  #remove(key: string): void {
    const nodeName = this.#podNode.get(key);
    if (nodeName === undefined) return;
    this.#podNode.delete(key);
    const ni = this.#nodes.get(nodeName);
    const pi = ni?.removePod(key);
    if (ni && pi) {
      this.#counts.podRemoved(pi, ni);
      this.podsWithRequiredAntiAffinity.delete(pi);
      this.podsWithAffinity.delete(pi);
    }
    if (ni && !ni.node && ni.pods.size === 0) this.#nodes.delete(nodeName);
  }
}

function sameLabels(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  if (a === b) return true;
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  return ka.every((k) => a?.[k] === b?.[k]);
}

/**
 * The scheduler's view of the cluster backed by `cache`, with what the cache
 * does not know (nominated pods, namespaces, volumes, controllers) from
 * `parts`; left out, there are none.
 */
export function cacheCluster(cache: SchedulerCache, parts: Partial<Pick<Cluster, 'nominatedOn' | 'namespaceLabels' | 'pvc' | 'pv' | 'storageClass' | 'volumesOfClass' | 'controllerSelectors'>> & { hasNominated?: () => boolean } = {}): Cluster {
  return {
    nodes: () => cache.nodes(),
    node: (n) => cache.node(n),
    podsWithRequiredAntiAffinity: cache.podsWithRequiredAntiAffinity,
    podsWithAffinity: cache.podsWithAffinity,
    podCounts: (ns, sel) => cache.podCounts(ns, sel),
    nodesWithLabel: (k) => cache.nodesWithLabel(k),
    imageNodes: (n) => cache.imageNodes(n),
    get hasImages() {
      return cache.hasImages;
    },
    nominatedOn: parts.nominatedOn ?? (() => undefined),
    get hasNominated() {
      return parts.hasNominated?.() ?? false;
    },
    namespaceLabels: parts.namespaceLabels ?? (() => ({})),
    pvc: parts.pvc ?? (() => undefined),
    pv: parts.pv ?? (() => undefined),
    storageClass: parts.storageClass ?? (() => undefined),
    volumesOfClass: parts.volumesOfClass ?? (() => []),
    controllerSelectors: parts.controllerSelectors ?? (() => []),
  };
}
