/**
 * What every controller is given and what it provides. A controller is a
 * client of the API server: it reads through shared informers, reacts in a
 * sync function keyed by object, writes through the REST client, and
 * records Events. The controller manager runs them all while it leads.
 */
import type { KubeObject } from '../api/meta.js';
import { EventRecorder, Informer, type Client, type InformerOptions, type ResourceRef } from '../client/index.js';

/** One Informer per resource, shared by every controller that watches it. */
export class SharedInformers {
  readonly #informers = new Map<string, Informer>();
  readonly #running: Promise<void>[] = [];
  #signal: AbortSignal | undefined;

  constructor(
    readonly client: Client,
    readonly options: Pick<InformerOptions, 'resyncMs' | 'onError'> = {},
  ) {}

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
    for (const inf of this.#informers.values()) this.#running.push(inf.run(signal));
  }

  /** Resolves when every informer holds its first list. */
  async synced(): Promise<void> {
    await Promise.all([...this.#informers.values()].map((i) => i.synced()));
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
   * before acting on the caches.
   */
  run(ctx: ControllerContext): Promise<void>;
}

/** A recorder factory for a client. */
export const recorders = (client: Client, host: string, onError?: (err: unknown) => void) => (component: string) => new EventRecorder(client, component, host, onError);
