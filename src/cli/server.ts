import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { APIServer, APIServerOptions } from '../apiserver/index.js';
import { writeFileAtomic, writeKubeconfig } from '../apiserver/kubeconfig.js';
import { discardLogger, type Logger } from '../log.js';
import type { Store } from '../storage/store.js';
import type { ServerOptions } from './server-flags.js';
import { runComponents } from './components.js';

export type { ServerOptions } from './server-flags.js';

/** Stable codes of {@link ServerError}. */
export type ServerErrorCode = 'NotReady';

/** The server role could not come up. */
export class ServerError extends Error {
  readonly code: ServerErrorCode;

  constructor(code: ServerErrorCode, message: string, options?: ErrorOptions) {
    super(`${code}: ${message}`, options);
    this.name = 'ServerError';
    this.code = code;
  }
}

/** What {@link runServer} calls; tests replace them, the defaults load lazily. */
export interface ServerDeps {
  readonly openStore?: (endpoint: string, options: { dataDir: string }) => Promise<Store>;
  readonly startAPIServer?: (options: APIServerOptions) => Promise<APIServer>;
  readonly log?: Logger;
  /** Milliseconds on a monotonic clock (default: since process start). */
  readonly now?: () => number;
  /** Runs the scheduler, controller manager and agent (default: components.ts). */
  readonly runComponents?: typeof runComponents;
  /** Give up waiting for `/readyz` after this long (default 60 s). */
  readonly readyTimeoutMs?: number;
}

/** File names inside the data dir. */
export const KUBECONFIG_FILE = 'kubeconfig.yaml';
export const TOKEN_FILE = 'token';

/**
 * The `server` role: open the datastore, start the API server, wait until
 * its own `/readyz` answers over HTTPS, write DIR/kubeconfig.yaml, then run
 * until `signal` aborts; then close the API server and the store.
 *
 * @example
 * await runServer(serverOptions(values, env), controller.signal);
 */
export async function runServer(options: ServerOptions, signal: AbortSignal, deps: ServerDeps = {}): Promise<void> {
  const now = deps.now ?? (() => performance.now());
  const log = deps.log ?? discardLogger;
  const started = now();
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const kubeconfigPath = join(options.dataDir, KUBECONFIG_FILE);
  // Callers wait for this file as the sign of readiness: never leave a stale one.
  await rm(kubeconfigPath, { force: true });
  const token = await loadOrCreateToken(options.dataDir, options.token);

  const openStore = deps.openStore ?? (await import('../storage/index.js')).openStore;
  const store = await openStore(options.datastoreEndpoint, { dataDir: options.dataDir });
  log.info('datastore open', { endpoint: redact(options.datastoreEndpoint) });
  let server: APIServer | undefined;
  try {
    const start = deps.startAPIServer ?? (await import('../apiserver/index.js')).startAPIServer;
    server = await start({
      store,
      dataDir: options.dataDir,
      bindAddress: options.bindAddress,
      httpsPort: options.httpsPort,
      token,
      serviceCIDR: options.serviceCIDR,
      clusterCIDR: options.clusterCIDR,
      clusterDNS: options.clusterDNS,
      clusterDomain: options.clusterDomain,
      serviceAccountIssuer: options.serviceAccountIssuer,
      log: (message, fields) => {
        log.warn(message, fields);
      },
    });
    const url = `https://${urlHost(options.bindAddress)}:${server.port}`;
    await waitReady(url, server, signal, now, deps.readyTimeoutMs ?? 60_000);
    if (!signal.aborted) {
      await writeKubeconfig(kubeconfigPath, {
        server: url,
        caCert: server.caCert,
        clientCert: server.adminCert,
        clientKey: server.adminKey,
      });
      log.info('ready', { url, kubeconfig: kubeconfigPath, ms: Math.round(now() - started) });
      const components = (deps.runComponents ?? runComponents)(options, { server: url, ca: server.caCert, cert: server.adminCert, key: server.adminKey }, log, signal);
      await aborted(signal);
      await components;
    }
    log.info('shutting down');
  } finally {
    await server?.close();
    await store.close();
  }
  log.info('stopped');
}

/** The token to use: the explicit one (saved for later starts), the saved one, or a new one. */
export async function loadOrCreateToken(dataDir: string, explicit: string | undefined): Promise<string> {
  const path = join(dataDir, TOKEN_FILE);
  let saved: string | undefined;
  try {
    saved = (await readFile(path, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const token = explicit ?? (saved || randomBytes(16).toString('hex'));
  if (token !== saved) await writeFileAtomic(path, token + '\n', 0o600);
  return token;
}

/** The host part of the URL clients use: an "any" address becomes loopback; IPv6 is bracketed. */
export function urlHost(bindAddress: string): string {
  if (bindAddress === '0.0.0.0') return '127.0.0.1';
  if (bindAddress === '::') return '[::1]';
  return bindAddress.includes(':') ? `[${bindAddress}]` : bindAddress;
}

const redact = (endpoint: string): string => endpoint.replace(/\/\/[^/@]*@/, '//***@');

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    signal.addEventListener('abort', () => {
      resolve();
    }, { once: true });
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Poll `url/readyz` with the admin certificate, verifying the serving certificate against the CA. */
async function waitReady(
  url: string,
  creds: Pick<APIServer, 'caCert' | 'adminCert' | 'adminKey'>,
  signal: AbortSignal,
  now: () => number,
  timeoutMs: number,
): Promise<void> {
  const deadline = now() + timeoutMs;
  let last = 'no answer';
  while (!signal.aborted) {
    last = await probe(`${url}/readyz`, creds, signal);
    if (last === 'ok') return;
    if (now() > deadline) throw new ServerError('NotReady', `${url}/readyz did not answer ok in ${timeoutMs} ms: ${last}`);
    await sleep(50, signal);
  }
}

function probe(url: string, creds: Pick<APIServer, 'caCert' | 'adminCert' | 'adminKey'>, signal: AbortSignal): Promise<string> {
  return new Promise((resolve) => {
    const req = request(url, {
      ca: creds.caCert,
      cert: creds.adminCert,
      key: creds.adminKey,
      agent: false,
      timeout: 5_000,
      signal,
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve(res.statusCode === 200 ? 'ok' : `HTTP ${res.statusCode ?? 0}: ${body.slice(0, 200)}`);
      });
      res.on('error', (err) => {
        resolve(err.message);
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => {
      resolve(err.message);
    });
    req.end();
  });
}
