/**
 * What every controller is given and what it provides. A controller is a
 * client of the API server: it reads through shared informers, reacts in a
 * sync function keyed by object, writes through the REST client, and
 * records Events. The controller manager runs them all while it leads.
 */
import { setMaxListeners } from 'node:events';
import type { KubeObject } from '../api/meta.js';
import { EventRecorder, Informer, type Client, type InformerOptions, type ResourceRef } from '../client/index.js';

/** One Informer per resource, shared by every controller that watches it. */
export class SharedInformers {
  readonly #informers = new Map<string, Informer>();
  readonly #running: Promise<void>[] = [];
  #signal: AbortSignal | undefined;
  /** Aborts when the signal given to `start` does (a controller may wait for the caches before `start`). */
  readonly #stop = new AbortController();

  constructor(
    readonly client: Client,
    readonly options: Pick<InformerOptions, 'resyncMs' | 'onError'> = {},
  ) {
    // One listener per informer waiting to sync.
    setMaxListeners(0, this.#stop.signal);
  }

  /** The informer of a resource (all namespaces); started at once if the factory runs already. */
  for<T extends KubeObject = KubeObject>(ref: ResourceRef): Informer<T> {
    const key = `${ref.group}/${ref.version}/${ref.resource}`;
    let inf = this.#informers.get(key);
    if (!inf) {
      inf = new Informer(this.client, ref, this.options);
      this.#informers.set(key, inf);
      if (this.#signal) this.#running.push(inf.run(this.#signal));
    }
    return inf as unknown as Informer<T>;
  }

  /** Runs every informer asked for so far, and any asked for later, until `signal` aborts. */
  start(signal: AbortSignal): void {
    this.#signal = signal;
    if (signal.aborted) this.#stop.abort();
    else signal.addEventListener('abort', () => this.#stop.abort(), { once: true });
    for (const inf of this.#informers.values()) this.#running.push(inf.run(signal));
  }

  /**
   * Resolves true when every informer holds its first list, false if the
   * informers stop first (client-go's WaitForCacheSync): a controller then
   * returns rather than act on a partial cache.
   */
  async synced(): Promise<boolean> {
    const all = await Promise.all([...this.#informers.values()].map((i) => i.synced(this.#stop.signal)));
    return all.every(Boolean);
  }

  /** Resolves when every informer has stopped (after the signal aborts). */
  async stopped(): Promise<void> {
    await Promise.all(this.#running);
  }
}

/** What a controller runs with. */
export interface ControllerContext {
  readonly client: Client;
  readonly informers: SharedInformers;
  /** An event recorder for a component (`deployment-controller`). */
  recorder(component: string): EventRecorder;
  /** Aborts when the controller manager stops leading or shuts down. */
  readonly signal: AbortSignal;
  readonly log: (msg: string, fields?: Record<string, unknown>) => void;
  /** The cluster CA (PEM) that pods trust the API server by, published into each namespace. */
  readonly rootCA?: string;
}

export interface Controller {
  /** Upstream's name, as `--controllers` lists it: `deployment`, `replicaset`. */
  readonly name: string;
  /**
   * Register informers and handlers, then work until `ctx.signal` aborts.
   * Called before the informers start; wait for `ctx.informers.synced()`
   * before acting on the caches, and return if it answers false (stopped).
   */
  run(ctx: ControllerContext): Promise<void>;
}

/** A recorder factory for a client. */
export const recorders = (client: Client, host: string, onError?: (err: unknown) => void) => (component: string) => new EventRecorder(client, component, host, onError);
