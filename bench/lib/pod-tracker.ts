import { performance } from 'node:perf_hooks';
import type { KubeObject } from '../../src/api/meta.js';
import { keyOf } from '../../src/client/index.js';

interface Pod extends KubeObject {
  spec?: { nodeName?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

/** Whether the pod is Running with its Ready condition True. */
export const runningAndReady = (p: Pod): boolean => p.status?.phase === 'Running' && (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/**
 * When this process saw each pod of a watch first, bound to a node, and
 * Running and Ready (`performance.now()` of the event's arrival: the API
 * server's timestamps have only second resolution). Feed it an informer's
 * add and update events.
 */
export class PodTracker {
  readonly #seen = new Map<string, number>();
  readonly #bound = new Map<string, number>();
  readonly #running = new Map<string, number>();
  readonly #target: number;
  readonly #onDone: () => void;
  /** Arrival of the last pod to become Running. */
  lastRunningAt = 0;

  /** `onDone` is called once `target` pods have been seen Running and Ready. */
  constructor(target: number, onDone: () => void) {
    this.#target = target;
    this.#onDone = onDone;
  }

  observe(p: Pod): void {
    const now = performance.now();
    const key = keyOf(p);
    if (!this.#seen.has(key)) this.#seen.set(key, now);
    if (p.spec?.nodeName && !this.#bound.has(key)) this.#bound.set(key, now);
    if (!this.#running.has(key) && runningAndReady(p)) {
      this.#running.set(key, now);
      this.lastRunningAt = now;
      if (this.#running.size === this.#target) this.#onDone();
    }
  }

  get counts(): { seen: number; bound: number; running: number } {
    return { seen: this.#seen.size, bound: this.#bound.size, running: this.#running.size };
  }

  /** Per pod that got there: seen → bound, bound → Running, seen → Running, and `since` → Running (ms). */
  latencies(since: number): { toBound: number[]; boundToRunning: number[]; toRunning: number[]; sinceToRunning: number[] } {
    const out = { toBound: [] as number[], boundToRunning: [] as number[], toRunning: [] as number[], sinceToRunning: [] as number[] };
    for (const [key, seen] of this.#seen) {
      const bound = this.#bound.get(key);
      const running = this.#running.get(key);
      if (bound !== undefined) out.toBound.push(bound - seen);
      if (running !== undefined) {
        out.toRunning.push(running - seen);
        out.sinceToRunning.push(running - since);
        if (bound !== undefined) out.boundToRunning.push(running - bound);
      }
    }
    return out;
  }
}
