import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Store } from '../../storage/store.js';
import type { HookTable } from '../hooks.js';
import type { Registry, Resource } from '../registry.js';
import type { RequestInfo } from '../request.js';

/** What every handler may use: the store, the registry, the clock. */
export interface HandlerContext {
  readonly store: Store;
  readonly registry: Registry;
  readonly now: () => Date;
  /** Aborted when the server shuts down: ends watches. */
  readonly signal: AbortSignal;
  /** How often a watch that allows bookmarks gets one. */
  readonly bookmarkIntervalMs: number;
  /** Per-kind work around writes (Service allocations). */
  readonly hooks: HookTable;
}

/** One resource request, parsed. */
export interface Call {
  readonly info: RequestInfo;
  readonly resource: Resource;
  readonly query: URLSearchParams;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The client accepts `meta.k8s.io/v1` Tables (kubectl get). */
  readonly wantsTable: boolean;
}

/** A handler's answer: an HTTP code and a body (an object, or JSON text already serialized). */
export interface Reply {
  readonly code: number;
  readonly body: unknown;
  /** True if `body` is JSON text. */
  readonly raw?: boolean;
  /** Sent as `Warning` headers (kubectl prints them). */
  readonly warnings?: readonly string[];
}

/** A verb's handler; undefined means it wrote the response itself (watch). */
export type Handler = (ctx: HandlerContext, call: Call) => Promise<Reply | undefined>;
