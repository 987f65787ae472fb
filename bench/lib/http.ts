import { Agent, request } from 'node:https';
import { performance } from 'node:perf_hooks';
import { createSecureContext, type SecureContext } from 'node:tls';

/** Where the API server is and the admin credentials to call it with (PEM). */
export interface Credentials {
  /** `https://HOST:PORT` */
  readonly url: string;
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

/** A finished HTTP exchange. */
export interface Reply {
  readonly status: number;
  readonly text: string;
}

const contexts = new WeakMap<Credentials, SecureContext>();

/**
 * An HTTPS agent that presents the admin client certificate. All agents of
 * one `creds` share one TLS context: node would otherwise parse the CA, key
 * and certificate again for every new connection.
 */
export function newAgent(creds: Credentials, maxSockets: number, keepAlive = true): Agent {
  let secureContext = contexts.get(creds);
  if (!secureContext) {
    secureContext = createSecureContext({ ca: creds.ca, cert: creds.cert, key: creds.key });
    contexts.set(creds, secureContext);
  }
  return new Agent({ keepAlive, maxSockets, secureContext });
}

/** One request through `agent`; resolves with the status and whole body; rejects on network errors or after `timeoutMs`. */
export function send(agent: Agent, creds: Credentials, method: string, path: string, body?: string, timeoutMs = 30_000, contentType = 'application/json'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { Accept: 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const req = request(`${creds.url}${path}`, { method, agent, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** An open watch stream. */
export interface Stream {
  /** Resolves with the HTTP status once the response headers arrive. */
  readonly status: Promise<number>;
  /** Resolves when the stream ends or fails. */
  readonly ended: Promise<void>;
  close(): void;
}

/**
 * GET `path` as a stream of newline-separated lines; `onLine` gets each
 * complete line with the `performance.now()` of the chunk that completed it.
 */
export function openStream(agent: Agent, creds: Credentials, path: string, onLine: (line: string, at: number) => void): Stream {
  let resolveStatus: (s: number) => void = () => {};
  let resolveEnded: () => void = () => {};
  const status = new Promise<number>((r) => (resolveStatus = r));
  const ended = new Promise<void>((r) => (resolveEnded = r));
  let buffer = '';
  const req = request(`${creds.url}${path}`, { agent, headers: { Accept: 'application/json' } }, (res) => {
    resolveStatus(res.statusCode ?? 0);
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const at = performance.now();
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line) onLine(line, at);
      }
    });
    res.on('end', resolveEnded);
    res.on('error', resolveEnded);
  });
  req.on('error', () => {
    resolveStatus(0);
    resolveEnded();
  });
  req.end();
  return { status, ended, close: () => req.destroy() };
}
