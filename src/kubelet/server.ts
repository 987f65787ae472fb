/**
 * The kubelet's HTTPS server (port 10250), which the API server proxies
 * `kubectl logs` to: `GET /containerLogs/{namespace}/{pod}/{container}` with
 * the query kubectl sends (`follow`, `previous`, `tailLines`, `sinceSeconds`,
 * `sinceTime`, `timestamps`, `limitBytes`), and `/healthz`; and the
 * streaming calls of `kubectl exec`, `attach` and `port-forward`
 * (`/exec/{namespace}/{pod}/{container}?command=…&input=1&output=1&error=1&tty=1`,
 * `/attach/…`, `/portForward/{namespace}/{pod}`), upgraded connections it
 * proxies to the URL the runtime's CRI streaming server gives (upstream's
 * default, rather than a redirect). Callers prove themselves with a client
 * certificate of the cluster CA in group `system:masters`, as the API
 * server's kubelet client does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { refuseUpgrade, splice, upgradeRequestHead } from '../httpstream.js';
import { readLog, type LogOptions } from './logs.js';

/** Where a container's log is, or why there is none (upstream's kubelet messages). */
export type LogSource = { readonly path: string; readonly done: () => boolean | Promise<boolean> } | { readonly error: string; readonly code: 400 | 404 };

/** A streaming call the API server proxies: what to run where, from the path and the query. */
export interface StreamRequest {
  readonly kind: 'exec' | 'attach' | 'portForward';
  readonly namespace: string;
  readonly pod: string;
  /** Empty for portForward. */
  readonly container: string;
  /** exec's `command` parameters, in order. */
  readonly command: readonly string[];
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly tty: boolean;
  /** portForward's `port` parameters (WebSocket clients name them; SPDY clients name them per stream). */
  readonly ports: readonly number[];
}

/** The runtime's streaming URL for a call, or why there is none (upstream's kubelet messages). */
export type StreamTarget = { readonly url: string } | { readonly error: string; readonly code: number };

export interface KubeletServerOptions {
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  readonly cert: string;
  readonly key: string;
  /** PEM of the cluster CA that signs the callers' certificates. */
  readonly caCert: string;
  /** Finds the log of a container of a pod on this node. */
  readonly logOf: (namespace: string, pod: string, container: string, previous: boolean) => LogSource | Promise<LogSource>;
  /** Finds the runtime's streaming URL of an exec, attach or port-forward; without it those paths are 404. */
  readonly streamOf?: (r: StreamRequest) => Promise<StreamTarget>;
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

/** The streaming call a path and query name, as upstream's kubelet reads them (`input=1`; `stdin=true` is accepted too). */
export function streamRequest(path: string, q: URLSearchParams): StreamRequest | undefined {
  const m = /^\/(exec|attach)\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(path) ?? /^\/(portForward)\/([^/]+)\/([^/]+)$/.exec(path);
  if (!m) return undefined;
  const flag = (name: string, alias: string) => ['1', 'true'].includes(q.get(name) ?? q.get(alias) ?? '');
  const dec = (s: string | undefined) => decodeURIComponent(s ?? '');
  return {
    kind: m[1] === 'exec' ? 'exec' : m[1] === 'attach' ? 'attach' : 'portForward',
    namespace: dec(m[2]),
    pod: dec(m[3]),
    container: dec(m[4]),
    command: q.getAll('command'),
    stdin: flag('input', 'stdin'),
    stdout: flag('output', 'stdout'),
    stderr: flag('error', 'stderr'),
    tty: flag('tty', 'tty'),
    ports: [...q.getAll('port'), ...q.getAll('ports')].flatMap((p) => p.split(',')).map(Number).filter((n) => Number.isInteger(n) && n > 0),
  };
}

/** True if the TLS peer's certificate puts it in `system:masters`. */
function isMaster(socket: unknown): { ok: boolean; cn: string } {
  const subject = socket instanceof TLSSocket ? socket.getPeerCertificate().subject : undefined;
  const groups: unknown = subject?.O;
  return { ok: Array.isArray(groups) ? groups.includes('system:masters') : groups === 'system:masters', cn: String(subject?.CN) };
}

/** Proxy an upgrade request (exec, attach, port-forward) to the runtime's streaming server. */
async function proxyStream(o: KubeletServerOptions, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const text = (code: number, body: string) => { refuseUpgrade(socket, code, 'text/plain; charset=utf-8', body); };
  const caller = isMaster(socket);
  if (!caller.ok) { text(403, `Forbidden (user=${caller.cn}, verb=create, resource=nodes, subresource=proxy)`); return; }
  const url = new URL(req.url ?? '/', 'https://kubelet');
  const asked = streamRequest(url.pathname, url.searchParams);
  if (!asked || !o.streamOf) { text(404, '404 page not found'); return; }
  const target = await o.streamOf(asked);
  if ('error' in target) { text(target.code, target.error); return; }
  const to = new URL(target.url);
  const upstream = connect(Number(to.port || 80), to.hostname);
  let connected = false;
  upstream.once('connect', () => {
    connected = true;
    upstream.write(upgradeRequestHead(req, `${to.pathname}${to.search}`, to.host));
    if (head.length) upstream.write(head);
    splice(socket, upstream);
  });
  upstream.once('error', (err) => { if (!connected) text(500, `error dialing the streaming server: ${err.message}`); });
}

/** Start the server; it stops when `signal` aborts or on `close()`. */
export async function startKubeletServer(o: KubeletServerOptions, signal: AbortSignal): Promise<KubeletServer> {
  const server: Server = createServer({ cert: o.cert, key: o.key, ca: o.caCert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    // The TLS handshake already refused callers without a certificate of the cluster CA.
    const caller = isMaster(req.socket);
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const text = (code: number, body: string) => {
      res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(body);
    };
    if (url.pathname === '/healthz') return text(200, 'ok');
    if (!caller.ok) return text(403, `Forbidden (user=${caller.cn}, verb=get, resource=nodes, subresource=proxy)`);
    // A streaming path without the upgrade headers: what upstream's SPDY handshake answers.
    if (streamRequest(url.pathname, url.searchParams)) return text(400, 'Upgrade request required');
    const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (!m || req.method !== 'GET') return text(404, '404 page not found');
    const [ns, pod, container] = [m[1], m[2], m[3]].map((s) => decodeURIComponent(s ?? ''));
    void serveLog(ns ?? '', pod ?? '', container ?? '', url, res, text);
  });
  const serveLog = async (ns: string, pod: string, container: string, url: URL, res: ServerResponse, text: (code: number, body: string) => void) => {
    let source: LogSource;
    try {
      source = await o.logOf(ns, pod, container, url.searchParams.get('previous') === 'true');
    } catch (err) {
      text(500, err instanceof Error ? err.message : String(err));
      return;
    }
    if ('error' in source) { text(source.code, source.error); return; }
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
  };
  // Upgraded connections leave the server's books: closing the server ends them here.
  const streams = new Set<Duplex>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    streams.add(socket);
    socket.on('close', () => streams.delete(socket));
    proxyStream(o, req, socket, head).catch((err: unknown) => { refuseUpgrade(socket, 500, 'text/plain; charset=utf-8', err instanceof Error ? err.message : String(err)); });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      for (const s of streams) s.destroy();
    });
  signal.addEventListener('abort', () => void close(), { once: true });
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : o.port, close };
}
