/**
 * Pending pods nominated to a node by a preemption
 * (`status.nominatedNodeName`), by node, as upstream's nominator: while
 * their victims terminate, the room they freed is kept for them (and for
 * no less important pod).
 */
import { keyOf } from '../client/index.js';
import { newPodInfo, type PodInfo } from './nodeinfo.js';
import type { Pod } from './types.js';

export class Nominator {
  readonly #byNode = new Map<string, Map<string, PodInfo>>();
  readonly #nodeOf = new Map<string, string>();

  get size(): number {
    return this.#nodeOf.size;
  }

  on(node: string): readonly PodInfo[] | undefined {
    const m = this.#byNode.get(node);
    return m ? [...m.values()] : undefined;
  }

  /** Follow a pod from the informer: nominated while pending with `status.nominatedNodeName`. */
  track(pod: Pod, pending: boolean): void {
    const node = pending ? pod.status?.nominatedNodeName : undefined;
    const key = keyOf(pod);
    if (node) this.nominate(newPodInfo(pod), node);
    else this.#remove(key);
  }

  /** Nominate at once (the status write follows). */
  nominate(pi: PodInfo, node: string): void {
    this.#remove(pi.key);
    let m = this.#byNode.get(node);
    if (!m) this.#byNode.set(node, (m = new Map<string, PodInfo>()));
    m.set(pi.key, pi);
    this.#nodeOf.set(pi.key, node);
  }

  #remove(key: string): void {
    const node = this.#nodeOf.get(key);
    if (node === undefined) return;
    this.#nodeOf.delete(key);
    const m = this.#byNode.get(node);
    m?.delete(key);
    if (m?.size === 0) this.#byNode.delete(node);
  }
}
