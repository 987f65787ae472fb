import assert from 'node:assert/strict';
import { once } from 'node:events';
import { access, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { parse } from 'yaml';
import type { APIServer, APIServerOptions } from '../apiserver/index.js';
import { newAuthenticator } from '../apiserver/authn.js';
import { loadOrCreatePKI } from '../apiserver/pki.js';
import type { Store } from '../storage/store.js';
import { loadOrCreateToken, runServer, urlHost, type ServerOptions } from './server.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skiff-server-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const options = (): ServerOptions => ({
  dataDir: dir,
  httpsPort: 0,
  kubeletPort: 0,
  bindAddress: '127.0.0.1',
  datastoreEndpoint: 'sqlite://',
  clusterCIDR: '10.42.0.0/16',
  serviceCIDR: '10.43.0.0/16',
  clusterDNS: '10.43.0.10',
  clusterDomain: 'cluster.local',
  serviceAccountIssuer: 'https://kubernetes.default.svc.cluster.local',
  runtime: 'fake',
  disableAgent: true,
  offlineImageFallback: true,
  disableScheduler: true,
  disableControllerManager: true,
  nodeName: 'n1',
  nodeMonitorGracePeriodMs: 40_000,
  logLevel: 'info',
  logFormat: 'logfmt',
});

/** A stand-in API server: real HTTPS and certificates; /readyz fails `notReady` times first. */
async function fakeAPIServer(o: APIServerOptions, calls: string[], notReady: number): Promise<APIServer> {
  const pki = await loadOrCreatePKI(join(o.dataDir, 'tls'), { ips: [o.bindAddress], dnsNames: [] });
  const authenticate = newAuthenticator({ caCert: pki.caCert, tokens: new Map() });
  let probes = 0;
  const server = createServer(
    { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      calls.push(`${req.method ?? ''} ${req.url ?? ''} ${authenticate(req)?.name ?? 'anonymous'}`);
      const ready = req.url === '/readyz' && ++probes > notReady;
      res.writeHead(ready ? 200 : 503).end(ready ? 'ok' : 'not ready');
    },
  );
  server.listen(o.httpsPort, o.bindAddress);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://${o.bindAddress}:${port}`,
    port,
    caCert: pki.caCert,
    adminCert: pki.adminCert,
    adminKey: pki.adminKey,
    close: async () => {
      calls.push('apiserver closed');
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

const exists = (p: string) => access(p).then(() => true, () => false);

void test('runServer waits for /readyz, writes the kubeconfig, and closes API server then store on abort', async () => {
  const calls: string[] = [];
  const ac = new AbortController();
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  await writeFile(kubeconfig, 'stale');
  let endpoint = '';
  const done = runServer(options(), ac.signal, {
    openStore: (e) => {
      endpoint = e;
      return Promise.resolve({ close: () => Promise.resolve(void calls.push('store closed')) } as unknown as Store);
    },
    startAPIServer: async (o) => {
      assert.equal(await exists(kubeconfig), false, 'a stale kubeconfig is removed at start');
      return fakeAPIServer(o, calls, 2);
    },
  });
  try {
    const written = () => readFile(kubeconfig, 'utf8').then((t) => t.startsWith('apiVersion'), () => false);
    while (!(await written())) await new Promise((r) => setTimeout(r, 10));
  } finally {
    ac.abort();
  }
  await done;
  assert.equal(endpoint, 'sqlite://');
  assert.deepEqual(calls.slice(0, 3), ['GET /readyz system:admin', 'GET /readyz system:admin', 'GET /readyz system:admin']);
  assert.equal((await stat(kubeconfig)).mode & 0o777, 0o600);
  const cfg = parse(await readFile(kubeconfig, 'utf8')) as { clusters: [{ cluster: { server: string } }] };
  assert.match(cfg.clusters[0].cluster.server, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.deepEqual(calls.slice(3), ['apiserver closed', 'store closed']);
});

void test('the token is generated once and kept; an explicit one replaces it', async () => {
  const t1 = await loadOrCreateToken(dir, undefined);
  assert.match(t1, /^[0-9a-f]{32}$/);
  assert.equal(await loadOrCreateToken(dir, undefined), t1);
  assert.equal((await stat(join(dir, 'token'))).mode & 0o777, 0o600);
  assert.equal(await loadOrCreateToken(dir, 'mine'), 'mine');
  assert.equal(await loadOrCreateToken(dir, undefined), 'mine');
});

void test('urlHost maps "any" addresses to loopback and brackets IPv6', () => {
  assert.equal(urlHost('0.0.0.0'), '127.0.0.1');
  assert.equal(urlHost('::'), '[::1]');
  assert.equal(urlHost('10.0.0.5'), '10.0.0.5');
  assert.equal(urlHost('fd00::5'), '[fd00::5]');
});
