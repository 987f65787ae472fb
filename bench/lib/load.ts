import { Worker } from 'node:worker_threads';
import type { Credentials } from './http.js';

/** One HTTP request of a {@link RequestsJob}. */
export interface PlannedRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  readonly path: string;
  readonly body?: string;
  /** Of the body; default application/json. */
  readonly contentType?: string;
}

/** Send `requests` from `concurrency` clients, each taking the next request as soon as its last one is answered. */
export interface RequestsJob {
  readonly op: 'requests';
  readonly concurrency: number;
  /** The status every answer should have (anything else counts as an error). */
  readonly expect: number;
  readonly requests: readonly PlannedRequest[];
}

/** What a {@link RequestsJob} measured. */
export interface RequestsResult {
  readonly wallMs: number;
  /** Latency of each request, in request order. */
  readonly latenciesMs: Float64Array;
  readonly errors: number;
  readonly firstError?: string;
  /** Response body bytes received, in total. */
  readonly bytes: number;
}

/**
 * Open `watchers` watch streams on `watchPath`, then POST each body to
 * `createPath`, one every `intervalMs` on a fixed schedule (not waiting for
 * answers), and time each ADDED event from just before its POST was sent
 * to its arrival at each watcher.
 */
export interface WatchJob {
  readonly op: 'watch';
  readonly watchers: number;
  readonly watchPath: string;
  readonly createPath: string;
  /** Concurrency of the writer's keep-alive agent. */
  readonly writerSockets: number;
  readonly intervalMs: number;
  readonly objects: readonly { readonly name: string; readonly body: string }[];
  /** Give up on missing deliveries this long after the last write. */
  readonly drainMs: number;
}

/** What a {@link WatchJob} measured. */
export interface WatchResult {
  /** Delay of every delivery (event × watcher). */
  readonly delaysMs: Float64Array;
  /** From the first write sent to the last delivery. */
  readonly spanMs: number;
  /** From the first write sent to the last write sent. */
  readonly writeSpanMs: number;
  readonly expected: number;
  readonly delivered: number;
  readonly duplicates: number;
  readonly writeLatenciesMs: Float64Array;
  readonly writeErrors: number;
  readonly firstError?: string;
}

/** A job for the load worker. */
export type LoadJob = RequestsJob | WatchJob;

interface JobResults {
  requests: RequestsResult;
  watch: WatchResult;
}

/** A message from the main thread to the worker. */
export interface JobMessage {
  readonly id: number;
  readonly job: LoadJob;
}

/** The worker's answer to a {@link JobMessage}. */
export type ResultMessage =
  | { readonly id: number; readonly ok: true; readonly result: RequestsResult | WatchResult }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** The clients, run on their own thread so that their TLS and parsing do not share the server's event loop. */
export interface Load {
  run<J extends LoadJob>(job: J): Promise<JobResults[J['op']]>;
  close(): Promise<void>;
}

/** Start the load worker (dist/bench/lib/load-worker.js) for the API server at `creds`. */
export function startLoad(creds: Credentials): Load {
  const worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: creds });
  const pending = new Map<number, { resolve: (r: RequestsResult | WatchResult) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let failure: Error | undefined;
  const failAll = (err: Error) => {
    failure = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', (m: ResultMessage) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.result);
    else p.reject(new Error(m.error));
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => { failAll(new Error(`load worker exited (code ${code})`)); });
  return {
    run: <J extends LoadJob>(job: J) =>
      new Promise<JobResults[J['op']]>((resolve, reject) => {
        if (failure) {
          reject(failure);
          return;
        }
        const id = nextId++;
        pending.set(id, { resolve: resolve as (r: RequestsResult | WatchResult) => void, reject });
        const message: JobMessage = { id, job };
        worker.postMessage(message);
      }),
    close: async () => {
      await worker.terminate();
    },
  };
}
