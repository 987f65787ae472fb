/**
 * The scheduling queue, as upstream's PriorityQueue: an active queue
 * (highest priority first, then the longest waiting), a backoff queue for
 * pods that failed recently (1 s doubling per attempt up to 10 s), and the
 * unschedulable pods, parked until a cluster event that could make them fit
 * moves them back (or 5 minutes pass). A move requested while a pod is
 * being scheduled sends that pod to backoff rather than parking it, so an
 * event that raced with its attempt is not lost.
 */
import { Heap } from './heap.js';
import type { Pod } from './types.js';

export interface QueuedPod {
  pod: Pod;
  readonly key: string;
  /** When it entered the active queue last (ordering among equal priorities). */
  timestamp: number;
  /** When it was first queued (latency is measured from it). */
  readonly initialAttempt: number;
  attempts: number;
  /** When its last attempt failed. */
  lastFailure: number;
  /** Plugins that rejected it last time; empty if none did (e.g. no nodes). */
  unschedulablePlugins: ReadonlySet<string>;
}

/** Which plugins' rejections an event may undo; 'all' for any. */
export type ClusterEvent = { readonly name: string; readonly plugins: 'all' | ReadonlySet<string> };

export interface QueueOptions {
  readonly now?: () => number;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** How long a pod stays parked without any event before it is retried anyway. */
  readonly maxUnschedulableMs?: number;
}

type Where = 'active' | 'backoff' | 'unschedulable' | 'inflight';

const priorityOf = (p: Pod) => p.spec?.priority ?? 0;

export class SchedulingQueue {
  readonly #now: () => number;
  readonly #initialBackoff: number;
  readonly #maxBackoff: number;
  readonly #maxUnschedulable: number;
  readonly #where = new Map<string, { where: Where; qp: QueuedPod }>();
  readonly #active = new Heap<QueuedPod>((a, b) => {
    const pa = priorityOf(a.pod);
    const pb = priorityOf(b.pod);
    return pa !== pb ? pa > pb : a.timestamp < b.timestamp;
  });
  readonly #backoff = new Heap<QueuedPod>((a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
  readonly #unschedulable = new Map<string, QueuedPod>();
  readonly #waiters: ((qp: QueuedPod | undefined) => void)[] = [];
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;
  #flush: NodeJS.Timeout | undefined;
  #closed = false;
  #waking = false;
  /** Counts scheduling attempts. */
  schedulingCycle = 0;
  #moveRequestCycle = -1;

  constructor(o: QueueOptions = {}) {
    this.#now = o.now ?? Date.now;
    this.#initialBackoff = o.initialBackoffMs ?? 1000;
    this.#maxBackoff = o.maxBackoffMs ?? 10_000;
    this.#maxUnschedulable = o.maxUnschedulableMs ?? 5 * 60_000;
    this.#flush = setInterval(() => this.#flushUnschedulable(), 30_000);
    this.#flush.unref();
  }

  /** When the pod's backoff ends: 1 s · 2^(attempts−1), at most 10 s, after its last failure. */
  backoffExpiry(qp: QueuedPod): number {
    if (qp.attempts === 0) return qp.lastFailure;
    const d = Math.min(this.#initialBackoff * 2 ** (qp.attempts - 1), this.#maxBackoff);
    return qp.lastFailure + d;
  }

  get size(): { active: number; backoff: number; unschedulable: number } {
    let active = 0;
    let backoff = 0;
    for (const { where } of this.#where.values()) {
      if (where === 'active') active++;
      else if (where === 'backoff') backoff++;
    }
    return { active, backoff, unschedulable: this.#unschedulable.size };
  }

  has(key: string): boolean {
    return this.#where.has(key);
  }

  /** A new pending pod. */
  add(pod: Pod, key: string): void {
    if (this.#closed) return;
    const cur = this.#where.get(key);
    if (cur) {
      this.update(pod, key);
      return;
    }
    const now = this.#now();
    this.#toActive({ pod, key, timestamp: now, initialAttempt: now, attempts: 0, lastFailure: 0, unschedulablePlugins: new Set() });
  }

  /** A pending pod changed; a parked pod whose spec or labels changed gets another try. */
  update(pod: Pod, key: string, specChanged = true): void {
    const cur = this.#where.get(key);
    if (!cur) {
      this.add(pod, key);
      return;
    }
    cur.qp.pod = pod;
    if (cur.where === 'unschedulable' && specChanged) {
      this.#unschedulable.delete(key);
      this.#requeue(cur.qp);
    }
  }

  delete(key: string): void {
    this.#where.delete(key);
    this.#unschedulable.delete(key);
  }

  /**
   * The next pod to schedule, waiting for one; undefined once closed, even
   * with pods still queued: a scheduler that stops must not first schedule
   * a backlog of thousands (its successor lists them again).
   */
  pop(): Promise<QueuedPod | undefined> {
    if (this.#closed) return Promise.resolve(undefined);
    for (;;) {
      const qp = this.#active.pop();
      if (!qp) break;
      const cur = this.#where.get(qp.key);
      if (cur?.qp !== qp || cur.where !== 'active') continue;
      cur.where = 'inflight';
      this.schedulingCycle++;
      return Promise.resolve(qp);
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /**
   * After a failed attempt: back off if a move was requested since the
   * attempt began (`cycle`), else park until an event. A pod deleted or
   * bound meanwhile is dropped.
   */
  addUnschedulable(qp: QueuedPod, cycle: number, plugins: ReadonlySet<string>, toBackoff = false): void {
    const cur = this.#where.get(qp.key);
    if (cur?.qp !== qp || cur.where !== 'inflight') return;
    qp.attempts++;
    qp.lastFailure = this.#now();
    qp.unschedulablePlugins = plugins;
    if (toBackoff || this.#moveRequestCycle >= cycle) this.#requeue(qp);
    else {
      cur.where = 'unschedulable';
      this.#unschedulable.set(qp.key, qp);
    }
  }

  /** The pod was scheduled (assumed and bound, or dropped): forget it. */
  done(key: string): void {
    if (this.#where.get(key)?.where === 'inflight') this.#where.delete(key);
  }

  /** A cluster event: move the parked pods it may help to active (or backoff, if still backing off). */
  moveOnEvent(event: ClusterEvent): void {
    this.#moveRequestCycle = this.schedulingCycle;
    for (const [key, qp] of this.#unschedulable) {
      const plugins = event.plugins;
      const helps = plugins === 'all' || qp.unschedulablePlugins.size === 0 || [...qp.unschedulablePlugins].some((p) => plugins.has(p));
      if (!helps) continue;
      this.#unschedulable.delete(key);
      this.#requeue(qp);
    }
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#flush) clearInterval(this.#flush);
    for (const w of this.#waiters.splice(0)) w(undefined);
  }

  #requeue(qp: QueuedPod): void {
    if (this.backoffExpiry(qp) > this.#now()) {
      this.#where.set(qp.key, { where: 'backoff', qp });
      this.#backoff.push(qp);
      this.#arm();
    } else this.#toActive(qp);
  }

  #toActive(qp: QueuedPod): void {
    qp.timestamp = this.#now();
    this.#where.set(qp.key, { where: 'active', qp });
    this.#active.push(qp);
    // A waiting pop gets the best pod once everything moved together (one event) is queued.
    if (this.#waiters.length && !this.#waking) {
      this.#waking = true;
      queueMicrotask(() => this.#wake());
    }
  }

  #wake(): void {
    this.#waking = false;
    while (this.#waiters.length && this.#active.size) {
      const qp = this.#active.pop();
      const cur = qp && this.#where.get(qp.key);
      if (!qp || cur?.qp !== qp || cur.where !== 'active') continue;
      cur.where = 'inflight';
      this.schedulingCycle++;
      this.#waiters.shift()?.(qp);
    }
  }

  /** Wake at the earliest backoff expiry. */
  #arm(): void {
    const next = this.#backoff.peek();
    if (!next || this.#closed) return;
    const at = this.backoffExpiry(next);
    if (this.#timer && at >= this.#timerAt) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      this.#flushBackoff();
    }, Math.max(0, at - this.#now()));
  }

  #flushBackoff(): void {
    const now = this.#now();
    for (let qp = this.#backoff.peek(); qp && this.backoffExpiry(qp) <= now; qp = this.#backoff.peek()) {
      this.#backoff.pop();
      const cur = this.#where.get(qp.key);
      if (cur?.qp === qp && cur.where === 'backoff') this.#toActive(qp);
    }
    this.#arm();
  }

  #flushUnschedulable(): void {
    const now = this.#now();
    for (const [key, qp] of this.#unschedulable) {
      if (now - qp.lastFailure < this.#maxUnschedulable) continue;
      this.#unschedulable.delete(key);
      this.#requeue(qp);
    }
  }
}
