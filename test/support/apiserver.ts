import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAPIServer, type APIServer } from '../../src/apiserver/index.js';
import { writeKubeconfig } from '../../src/apiserver/kubeconfig.js';
import { openStore } from '../../src/storage/index.js';
import { jsonRequest } from './https.js';
import type { Store } from '../../src/storage/store.js';

/** An in-process API server on a temp SQLite file (or the given datastore endpoint). */
export interface TestAPIServer {
  readonly server: APIServer;
  readonly store: Store;
  readonly dataDir: string;
  readonly kubeconfig: string;
  /** An HTTPS request with the admin client certificate; JSON in, JSON out. */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: unknown; text: string; headers: IncomingHttpHeaders }>;
  /** GET a path and return its JSON body; throws unless the answer is 200. */
  get<T = unknown>(path: string): Promise<T>;
  /** Stops the server and store and starts both again on the same data dir. */
  restart(): Promise<TestAPIServer>;
  /** Stops the server, closes the store, removes the data dir. */
  stop(): Promise<void>;
}

/** Start an API server for a test; always `stop()` it in an `after`/`finally`. */
export async function startTestAPIServer(options: { endpoint?: string; bookmarkIntervalMs?: number; dataDir?: string; wrapStore?: (store: Store) => Store } = {}): Promise<TestAPIServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'skiff-api-'));
  const opened = await openStore(options.endpoint ?? '', { dataDir });
  // A test may watch what the server asks of its store.
  const store = options.wrapStore ? options.wrapStore(opened) : opened;
  const server = await startAPIServer({
    store,
    dataDir,
    bindAddress: '127.0.0.1',
    httpsPort: 0,
    token: 'test-token',
    serviceCIDR: '10.43.0.0/16',
    clusterCIDR: '10.42.0.0/16',
    clusterDNS: '10.43.0.10',
    clusterDomain: 'cluster.local',
    log: () => {},
    ...(options.bookmarkIntervalMs ? { bookmarkIntervalMs: options.bookmarkIntervalMs } : {}),
  });
  const kubeconfig = join(dataDir, 'kubeconfig.yaml');
  await writeKubeconfig(kubeconfig, { server: server.url, caCert: server.caCert, clientCert: server.adminCert, clientKey: server.adminKey });
  const request: TestAPIServer['request'] = (method, path, body, headers = {}) =>
    jsonRequest(`${server.url}${path}`, { ca: server.caCert, cert: server.adminCert, key: server.adminKey }, method, body, headers);
  let next: TestAPIServer | undefined;
  const self: TestAPIServer = {
    server,
    store,
    dataDir,
    kubeconfig,
    request,
    get: async <T>(path: string) => {
      const r = await request('GET', path);
      if (r.status !== 200) throw new Error(`GET ${path}: HTTP ${r.status}: ${r.text}`);
      return r.body as T;
    },
    restart: async () => {
      await server.close();
      await store.close();
      next = await startTestAPIServer({ ...options, dataDir });
      return next;
    },
    stop: async () => {
      if (next) return next.stop();
      await server.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return self;
}
