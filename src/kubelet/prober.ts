/**
 * The kubelet's probe manager (upstream's prober.Manager): the pod worker
 * hands it every running container, and it runs each container's startup,
 * liveness and readiness probes on their own schedules. Liveness and
 * readiness wait until the startup probe succeeds. A changed result wakes
 * the pod's worker; a failed liveness probe, or a startup probe that
 * gave up, has the container killed (restarted as its policy says).
 * Results are kept per container instance: a restarted container starts
 * again from the probes' initial results.
 */
import { sleep } from '../client/index.js';
import type { Logger } from '../log.js';
import { check, ProbeState, type Probe, type ProbeKind, type ProbeTarget } from './probe.js';
import type { PodContainer } from './pod/types.js';

/** What the pod worker learns from the prober. */
export interface ProberHooks {
  /** A result changed: the pod's status must be written again. */
  changed(podKey: string): void;
  /** A failed check (upstream's Unhealthy event). */
  unhealthy(podKey: string, container: string, kind: ProbeKind, message: string): void;
  /** The container must be killed and restarted: liveness failed, or startup gave up. */
  kill(podKey: string, containerId: string, container: PodContainer, kind: ProbeKind, graceSeconds: number | undefined): void;
}

interface Entry {
  readonly podKey: string;
  readonly container: PodContainer;
  readonly target: ProbeTarget;
  readonly probes: ReadonlyMap<ProbeKind, ProbeState>;
  busy: boolean;
  killed: boolean;
}

const KIND_NAME: Record<ProbeKind, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };

/** Runs the probes of the running containers of one node. */
export class Prober {
  readonly #entries = new Map<string, Entry>();
  readonly #hooks: ProberHooks;
  readonly #now: () => number;
  readonly #log: Logger;

  constructor(hooks: ProberHooks, now: () => number, log: Logger) {
    this.#hooks = hooks;
    this.#now = now;
    this.#log = log;
  }

  /** Probe container instance `id` (running since `startedAtMs`) until it is forgotten. */
  track(podKey: string, id: string, container: PodContainer, startedAtMs: number, target: ProbeTarget): void {
    if (this.#entries.has(id)) return;
    const probes = new Map<ProbeKind, ProbeState>();
    const add = (kind: ProbeKind, probe: Probe | undefined) => { if (probe) probes.set(kind, new ProbeState(kind, probe, startedAtMs)); };
    add('startup', container.startupProbe);
    add('liveness', container.livenessProbe);
    add('readiness', container.readinessProbe);
    if (probes.size > 0) this.#entries.set(id, { podKey, container, target, probes, busy: false, killed: false });
  }

  /** Stop probing the pod's container instances that are not in `running`. */
  retain(podKey: string, running: ReadonlySet<string>): void {
    for (const [id, e] of this.#entries) if (e.podKey === podKey && !running.has(id)) this.#entries.delete(id);
  }

  /** Whether the instance has started (its startup probe succeeded) and is ready (its readiness probe succeeded). */
  state(id: string): { started: boolean; ready: boolean } {
    const e = this.#entries.get(id);
    const started = e?.probes.get('startup')?.result ?? true;
    return { started, ready: started && (e?.probes.get('readiness')?.result ?? true) };
  }

  /** Check what is due, every `tickMs`, until `signal` aborts. */
  async run(signal: AbortSignal, tickMs = 200): Promise<void> {
    while (!signal.aborted) {
      const now = this.#now();
      for (const [id, e] of this.#entries) if (!e.busy && !e.killed) this.#probeDue(id, e, now);
      await sleep(tickMs, signal);
    }
  }

  #probeDue(id: string, e: Entry, now: number): void {
    const startup = e.probes.get('startup');
    // Until the startup probe succeeds, it is the only one that runs.
    const kinds: ProbeKind[] = startup && !startup.result ? ['startup'] : ['liveness', 'readiness'];
    const due = kinds.filter((k) => { const p = e.probes.get(k); return p !== undefined && p.due <= now; });
    if (due.length === 0) return;
    e.busy = true;
    void Promise.all(due.map((kind) => this.#probe(id, e, kind))).catch((err: unknown) => { this.#log.warn('probe failed to run', { err }); }).finally(() => { e.busy = false; });
  }

  async #probe(id: string, e: Entry, kind: ProbeKind): Promise<void> {
    const state = e.probes.get(kind);
    const probe = kind === 'startup' ? e.container.startupProbe : kind === 'liveness' ? e.container.livenessProbe : e.container.readinessProbe;
    if (!state || !probe) return;
    const result = await check(probe, e.target);
    if (this.#entries.get(id) !== e) return;
    if (!result.ok) this.#hooks.unhealthy(e.podKey, e.container.name, kind, `${KIND_NAME[kind]} probe failed: ${result.message.trim()}`);
    const changed = state.record(result.ok, this.#now());
    if ((kind === 'liveness' && changed && !state.result) || (kind === 'startup' && state.failing)) {
      e.killed = true;
      this.#hooks.kill(e.podKey, id, e.container, kind, probe.terminationGracePeriodSeconds);
      return;
    }
    if (changed) this.#hooks.changed(e.podKey);
  }
}
