import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { request } from 'node:https';
import type { Duplex } from 'node:stream';
import { after, before, test } from 'node:test';
import { issueCA, issueLeaf, type Pair } from '../../src/apiserver/pki-x509.js';
import { startKubeletServer, type KubeletServer, type StreamRequest } from '../../src/kubelet/server.js';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';
import { kubectlAsync } from '../support/kubectl.js';

// The two hops of exec/attach/port-forward without a runtime: API server → kubelet server → a stand-in for containerd's
// streaming server that accepts any upgrade and echoes bytes back upper-cased. What kubectl and containerd then speak
// over the spliced connection is the e2e suite's part (test/e2e/streaming.test.ts).
let api: TestAPIServer;
let kubelet: KubeletServer;
let streaming: Server;
const stop = new AbortController();
const asked: StreamRequest[] = [];
const reached: { url: string; upgrade: string | undefined; host: string | undefined; authorization: string | undefined }[] = [];
let kubeletCA: Pair;
/** The stand-in's upgraded connections, which its close() would wait for. */
const echoes = new Set<Duplex>();

before(async () => {
  api = await startTestAPIServer();
  streaming = createServer((_req, res) => res.writeHead(400).end());
  streaming.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    echoes.add(socket);
    reached.push({ url: req.url ?? '', upgrade: req.headers.upgrade, host: req.headers.host, authorization: req.headers.authorization });
    socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n');
    socket.on('data', (d: Buffer) => socket.write(d.toString('utf8').toUpperCase()));
  });
  await new Promise<void>((resolve) => streaming.listen(0, '127.0.0.1', resolve));
  const streamPort = (streaming.address() as { port: number }).port;
  kubeletCA = await issueCA(new Date(), 1);
  const serving = await issueLeaf(kubeletCA, new Date(), 1, { cn: 'n1', usage: 'serverAuth', sans: { ips: ['127.0.0.1'], dnsNames: ['n1'] } });
  kubelet = await startKubeletServer({
    host: '127.0.0.1',
    port: 0,
    ...serving,
    // The API server's admin certificate and the test's own callers both pass the TLS handshake.
    caCert: api.server.caCert + kubeletCA.cert,
    logOf: () => ({ code: 400, error: 'no logs here' }),
    streamOf: (r) => {
      asked.push(r);
      if (r.container === 'sleeping') return Promise.resolve({ code: 500, error: 'container not found ("sleeping")' });
      return Promise.resolve({ url: `http://127.0.0.1:${String(streamPort)}/${r.kind}/t0k3n` });
    },
  }, stop.signal);
  await api.request('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
  const status = { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } } } };
  assert.equal((await api.request('PATCH', '/api/v1/nodes/n1/status', status, { 'Content-Type': 'application/merge-patch+json' })).status, 200);
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'busybox' }, { name: 'sleeping', image: 'busybox' }] } };
  assert.equal((await api.request('POST', '/api/v1/namespaces/default/pods', pod)).status, 201);
});
after(async () => {
  stop.abort();
  await kubelet.close();
  for (const s of echoes) s.destroy();
  await new Promise<void>((resolve) => streaming.close(() => resolve()));
  await api.stop();
});

/** An upgrade request; resolves with the 101's socket, or the refusal's code and body. */
function upgrade(url: string, tls: { cert: string; key: string; ca?: string }, method = 'POST'): Promise<{ socket: Duplex } | { code: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ...tls, rejectUnauthorized: false, headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' } });
    req.on('upgrade', (_res, socket) => resolve({ socket }));
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The admin client certificate of the test API server's kubeconfig. */
const admin = () => ({ cert: api.server.adminCert, key: api.server.adminKey });

test('an exec upgrade goes API server → kubelet → streaming server, with upstream\'s kubelet query, and bytes flow both ways', async () => {
  const r = await upgrade(`${api.server.url}/api/v1/namespaces/default/pods/web/exec?command=sh&command=-c&command=echo%20hi&container=app&stdin=true&stdout=true&stderr=true&tty=false`, admin());
  assert.ok('socket' in r, JSON.stringify(r));
  const echoed = await new Promise<string>((resolve) => {
    r.socket.once('data', (d: Buffer) => resolve(d.toString('utf8')));
    r.socket.write('ping');
  });
  r.socket.destroy();
  assert.equal(echoed, 'PING');
  assert.deepEqual(asked.at(-1), { kind: 'exec', namespace: 'default', pod: 'web', container: 'app', command: ['sh', '-c', 'echo hi'], stdin: true, stdout: true, stderr: true, tty: false, ports: [] });
  const hop = reached.at(-1);
  assert.equal(hop?.url, '/exec/t0k3n');
  assert.equal(hop.upgrade, 'SPDY/3.1');
  assert.match(hop.host ?? '', /^127\.0\.0\.1:\d+$/);
});

test('attach and port-forward (GET, as WebSocket clients send) reach the kubelet\'s paths', async () => {
  const a = await upgrade(`${api.server.url}/api/v1/namespaces/default/pods/web/attach?container=app&stdin=true&stdout=true&tty=true`, admin(), 'GET');
  assert.ok('socket' in a);
  a.socket.destroy();
  assert.deepEqual(asked.at(-1), { kind: 'attach', namespace: 'default', pod: 'web', container: 'app', command: [], stdin: true, stdout: true, stderr: false, tty: true, ports: [] });
  const pf = await upgrade(`${api.server.url}/api/v1/namespaces/default/pods/web/portforward?ports=8080&ports=9090`, admin(), 'GET');
  assert.ok('socket' in pf);
  pf.socket.destroy();
  assert.deepEqual(asked.at(-1), { kind: 'portForward', namespace: 'default', pod: 'web', container: '', command: [], stdin: false, stdout: false, stderr: false, tty: false, ports: [8080, 9090] });
  assert.equal(reached.at(-1)?.url, '/portForward/t0k3n');
});

test('refusals: the kubelet\'s message reaches kubectl; the API server\'s own are Status objects', async () => {
  assert.match((await kubectlAsync(api.kubeconfig, ['exec', 'web', '-c', 'sleeping', '--', 'true'])).stderr, /unable to upgrade connection: container not found \("sleeping"\)/);
  assert.match((await kubectlAsync(api.kubeconfig, ['exec', 'web', '-c', 'nope', '--', 'true'])).stderr, /container nope is not valid for pod web/);
  const missing = await upgrade(`${api.server.url}/api/v1/namespaces/default/pods/gone/exec?command=true&container=app&stdout=true`, admin());
  assert.ok('code' in missing);
  assert.equal(missing.code, 404);
  assert.deepEqual(JSON.parse(missing.body), { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: 'pods "gone" not found', reason: 'NotFound', code: 404, details: { name: 'gone', group: '', kind: 'pods' } });
  const plain = await api.request('POST', '/api/v1/namespaces/default/pods/web/exec?command=true&container=app');
  assert.equal(plain.status, 400);
  assert.equal((plain.body as { message?: string }).message, 'Upgrade request required');
  const other = await upgrade(`${api.server.url}/api/v1/namespaces/default/pods`, admin(), 'GET');
  assert.ok('code' in other);
  assert.equal(other.code, 400);
});

test('the kubelet serves streams only to the cluster CA\'s system:masters', async () => {
  const node = await issueLeaf(kubeletCA, new Date(), 1, { o: 'system:nodes', cn: 'system:node:n2', usage: 'clientAuth' });
  const denied = await upgrade(`https://127.0.0.1:${String(kubelet.port)}/exec/default/web/app?command=true&output=1`, node);
  assert.deepEqual(denied, { code: 403, body: 'Forbidden (user=system:node:n2, verb=create, resource=nodes, subresource=proxy)' });
  const master = await issueLeaf(kubeletCA, new Date(), 1, { o: 'system:masters', cn: 'admin', usage: 'clientAuth' });
  const allowed = await upgrade(`https://127.0.0.1:${String(kubelet.port)}/exec/default/web/app?command=true&output=1`, master);
  assert.ok('socket' in allowed);
  allowed.socket.destroy();
  assert.deepEqual(asked.at(-1)?.command, ['true']);
});
