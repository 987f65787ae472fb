import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { issueCA, issueLeaf } from '../../src/apiserver/pki-x509.js';
import { startKubeletServer, type KubeletServer, type LogSource } from '../../src/kubelet/server.js';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';
import { kubectlAsync, kubectlAsyncOK, kubectlStream } from '../support/kubectl.js';

// kubectl logs through the API server's pods/log proxy to a kubelet server on 127.0.0.1 that reads CRI log files.
let api: TestAPIServer;
let kubelet: KubeletServer;
const stop = new AbortController();
const dir = mkdtempSync(join(tmpdir(), 'skiff-podlog-'));
const logFile = join(dir, 'app-0.log');
let running = true;
const requests: string[] = [];

before(async () => {
  api = await startTestAPIServer();
  const ca = await issueCA(new Date(), 1);
  const serving = await issueLeaf(ca, new Date(), 1, { cn: 'n1', usage: 'serverAuth', sans: { ips: ['127.0.0.1'], dnsNames: ['n1'] } });
  writeFileSync(logFile, '2026-12-05T10:00:00.000000001Z stdout F hello\n2026-12-05T10:00:01Z stderr F world\n');
  kubelet = await startKubeletServer(
    {
      host: '127.0.0.1',
      port: 0,
      cert: serving.cert,
      key: serving.key,
      caCert: api.server.caCert,
      logOf: (ns, pod, container, previous): LogSource => {
        requests.push(`${ns}/${pod}/${container}${previous ? ' previous' : ''}`);
        if (pod === 'web' && container === 'app' && !previous) return { path: logFile, done: () => !running };
        if (previous) return { code: 400, error: `previous terminated container "${container}" in pod "${pod}" not found` };
        return { code: 400, error: `container "${container}" in pod "${pod}" is waiting to start: ContainerCreating` };
      },
    },
    stop.signal,
  );
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } };
  await api.request('POST', '/api/v1/nodes', node);
  const status = { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } } } };
  const patched = await api.request('PATCH', '/api/v1/nodes/n1/status', status, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(patched.status, 200, patched.text);
  const pod = (name: string, containers: string[], nodeName?: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { ...(nodeName ? { nodeName } : {}), containers: containers.map((c) => ({ name: c, image: 'busybox' })) } });
  for (const p of [pod('web', ['app'], 'n1'), pod('two', ['a', 'b'], 'n1'), pod('nowhere', ['app'])]) assert.equal((await api.request('POST', '/api/v1/namespaces/default/pods', p)).status, 201);
});
after(async () => {
  stop.abort();
  await kubelet.close();
  await api.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('kubectl logs reads a container\'s log from its node\'s kubelet, with --tail and --timestamps', async () => {
  assert.equal(await kubectlAsyncOK(api.kubeconfig, ['logs', 'web']), 'hello\nworld\n');
  assert.equal(await kubectlAsyncOK(api.kubeconfig, ['logs', 'web', '--tail=1', '--timestamps']), '2026-12-05T10:00:01Z world\n');
  assert.equal(await kubectlAsyncOK(api.kubeconfig, ['logs', 'pod/web', '-c', 'app', '--limit-bytes=3']), 'hel');
  assert.ok(requests.includes('default/web/app'));
});

test('errors as upstream\'s: no container named, a wrong container, an unscheduled pod, the kubelet\'s own', async () => {
  // kubectl picks a container itself; the API server answers a request that names none as upstream's.
  const direct = await api.request('GET', '/api/v1/namespaces/default/pods/two/log');
  assert.equal(direct.status, 400);
  assert.equal((direct.body as { message?: string }).message, 'a container name must be specified for pod two, choose one of: [a b]');
  assert.match((await kubectlAsync(api.kubeconfig, ['logs', 'two'])).stderr, /Defaulted container "a" out of: a, b/);
  assert.match((await kubectlAsync(api.kubeconfig, ['logs', 'web', '-c', 'nope'])).stderr, /container nope is not valid for pod web/);
  assert.match((await kubectlAsync(api.kubeconfig, ['logs', 'nowhere'])).stderr, /pod nowhere does not have a host assigned/);
  assert.match((await kubectlAsync(api.kubeconfig, ['logs', 'two', '-c', 'a'])).stderr, /container "a" in pod "two" is waiting to start: ContainerCreating/);
  assert.match((await kubectlAsync(api.kubeconfig, ['logs', 'web', '--previous'])).stderr, /previous terminated container "app" in pod "web" not found/);
  assert.match((await kubectlAsync(api.kubeconfig, ['logs', 'missing'])).stderr, /pods "missing" not found/);
});

test('kubectl logs -f follows the log as it grows and ends when the container exits', async () => {
  const follow = kubectlStream(api.kubeconfig, ['logs', '-f', 'web']);
  try {
    await follow.waitFor(/world\n/);
    appendFileSync(logFile, '2026-12-05T10:00:02Z stdout F again\n');
    await follow.waitFor(/again\n/);
    running = false;
    await follow.waitFor(/again\n$/);
  } finally {
    follow.stop();
  }
});

test('only callers with a cluster client certificate in system:masters get logs from the kubelet', async () => {
  const { request } = await import('node:https');
  const code = await new Promise<number>((resolve) => {
    const req = request(`https://127.0.0.1:${String(kubelet.port)}/containerLogs/default/web/app`, { rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(-1));
    req.end();
  });
  // Without a client certificate the TLS handshake itself is refused.
  assert.equal(code, -1);
});
