import { request as httpsRequest } from 'node:https';
import type { APIServer } from '../../src/apiserver/index.js';

/** One event of a watch stream. */
export interface Event {
  type: string;
  object: { kind: string; code?: number; reason?: string; metadata: { name?: string; resourceVersion?: string; annotations?: Record<string, string> } };
}

/** A watch stream opened by a test: `next()` waits for the next event; `close()` ends it. */
export interface TestWatch {
  next(timeoutMs?: number): Promise<Event>;
  close(): void;
  readonly status: Promise<number>;
}

/** Open `path` (which must carry `watch=true`) as a stream of parsed events. */
export function openWatch(server: APIServer, path: string): TestWatch {
  const queue: Event[] = [];
  const waiters: ((e: Event | Error) => void)[] = [];
  let buffer = '';
  let ended: Error | undefined;
  let resolveStatus: (s: number) => void = () => {};
  const status = new Promise<number>((r) => (resolveStatus = r));
  const push = (e: Event | Error) => {
    const w = waiters.shift();
    if (w) w(e);
    else if (e instanceof Error) ended = e;
    else queue.push(e);
  };
  const req = httpsRequest(`${server.url}${path}`, { ca: server.caCert, cert: server.adminCert, key: server.adminKey }, (res) => {
    resolveStatus(res.statusCode ?? 0);
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.trim()) push(JSON.parse(line) as Event);
      }
    });
    res.on('end', () => push(new Error('watch ended')));
  });
  req.on('error', (err) => push(err));
  req.end();
  return {
    status,
    next: (timeoutMs = 5000) => {
      const e = queue.shift();
      if (e) return Promise.resolve(e);
      if (ended) return Promise.reject(ended);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no watch event within ${timeoutMs} ms`)), timeoutMs);
        waiters.push((x) => {
          clearTimeout(timer);
          if (x instanceof Error) reject(x);
          else resolve(x);
        });
      });
    },
    close: () => req.destroy(),
  };
}
