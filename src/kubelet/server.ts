/**
 * The kubelet's HTTPS server (port 10250), which the API server proxies
 * `kubectl logs` to: `GET /containerLogs/{namespace}/{pod}/{container}` with
 * the query kubectl sends (`follow`, `previous`, `tailLines`, `sinceSeconds`,
 * `sinceTime`, `timestamps`, `limitBytes`), and `/healthz`. Callers prove
 * themselves with a client certificate of the cluster CA in group
 * `system:masters`, as the API server's kubelet client does.
 */
import { createServer, type Server } from 'node:https';
import { TLSSocket } from 'node:tls';
import { readLog, type LogOptions } from './logs.js';

/** Where a container's log is, or why there is none (upstream's kubelet messages). */
export type LogSource = { readonly path: string; readonly done: () => boolean } | { readonly error: string; readonly code: 400 | 404 };

export interface KubeletServerOptions {
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  readonly cert: string;
  readonly key: string;
  /** PEM of the cluster CA that signs the callers' certificates. */
  readonly caCert: string;
  /** Finds the log of a container of a pod on this node. */
  readonly logOf: (namespace: string, pod: string, container: string, previous: boolean) => LogSource;
}

export interface KubeletServer {
  readonly port: number;
  close(): Promise<void>;
}

/** The `kubectl logs` query as {@link readLog} options, as upstream's kubelet reads it. */
export function logOptions(q: URLSearchParams, now: number): LogOptions {
  const int = (name: string) => {
    const v = q.get(name);
    return v === null || v === '' ? undefined : Number(v);
  };
  const sinceSeconds = int('sinceSeconds');
  const sinceTime = q.get('sinceTime');
  const tailLines = int('tailLines');
  const limitBytes = int('limitBytes');
  return {
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(limitBytes !== undefined ? { limitBytes } : {}),
    ...(sinceSeconds !== undefined ? { sinceMs: now - sinceSeconds * 1000 } : sinceTime ? { sinceMs: Date.parse(sinceTime) } : {}),
    timestamps: q.get('timestamps') === 'true',
    follow: q.get('follow') === 'true',
  };
}

/** Start the server; it stops when `signal` aborts or on `close()`. */
export async function startKubeletServer(o: KubeletServerOptions, signal: AbortSignal): Promise<KubeletServer> {
  const server: Server = createServer({ cert: o.cert, key: o.key, ca: o.caCert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    // The TLS handshake already refused callers without a certificate of the cluster CA.
    const subject = req.socket instanceof TLSSocket ? req.socket.getPeerCertificate().subject : undefined;
    const groups: unknown = subject?.O;
    const masters = Array.isArray(groups) ? groups.includes('system:masters') : groups === 'system:masters';
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const text = (code: number, body: string) => {
      res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(body);
    };
    if (url.pathname === '/healthz') return text(200, 'ok');
    if (!masters) return text(403, `Forbidden (user=${String(subject?.CN)}, verb=get, resource=nodes, subresource=proxy)`);
    const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (!m || req.method !== 'GET') return text(404, '404 page not found');
    const [ns, pod, container] = [m[1], m[2], m[3]].map((s) => decodeURIComponent(s ?? ''));
    const source = o.logOf(ns ?? '', pod ?? '', container ?? '', url.searchParams.get('previous') === 'true');
    if ('error' in source) return text(source.code, source.error);
    const stop = new AbortController();
    res.on('close', () => stop.abort());
    const onAbort = () => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    readLog(source.path, { ...logOptions(url.searchParams, Date.now()), done: source.done, signal: stop.signal }, (chunk) => res.write(chunk))
      .catch((err: unknown) => res.write(`failed to read log: ${err instanceof Error ? err.message : String(err)}\n`))
      .finally(() => {
        signal.removeEventListener('abort', onAbort);
        res.end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  signal.addEventListener('abort', () => void close(), { once: true });
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : o.port, close };
}
