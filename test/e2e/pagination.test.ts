import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { Agent, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { apiClient } from '../support/https.js';
import { kubectlAsync, kubectlAsyncOK } from '../support/kubectl.js';
import { startSkiff, type SkiffProcess } from '../support/skiff.js';

// kubectl lists in chunks of 500 (`--chunk-size`), following `continue`
// tokens; upstream serves every chunk from the revision of the first, so a
// write between chunks is not seen. 5,000 ConfigMaps are 10 chunks.

const total = 5000;
const name = (i: number) => `cm-${String(i).padStart(4, '0')}`;

/** The ConfigMap list requests in kubectl's -v=6 log (its format changed in 1.32). */
function listRequests(log: string): string[] {
  const re = /(?:GET (https?:\/\/\S+\/configmaps(?:\?\S*)?) 200 OK|verb="GET" url="(https?:\/\/[^"]+\/configmaps(?:\?[^"]*)?)" status="200 OK")/g;
  return [...log.matchAll(re)].map((m) => m[1] ?? m[2] ?? '');
}

/**
 * A plain-HTTP proxy in front of skiff that authenticates as admin and calls
 * `before(path, n)` ahead of forwarding the n-th request: a test's hook to
 * write between two chunks of kubectl's paging, deterministically.
 */
async function startProxy(kubeconfig: string, before: (path: string, n: number) => Promise<void>): Promise<{ url: string; close: () => Promise<void> }> {
  const { credentials } = apiClient(kubeconfig);
  const agent = new Agent({ keepAlive: true, ca: credentials.ca, cert: credentials.cert, key: credentials.key });
  let n = 0;
  const server: Server = createServer((req, res) => {
    n++;
    before(req.url ?? '/', n)
      .then(() => {
        const headers = { ...req.headers };
        delete headers.host;
        const up = request(`${credentials.server}${req.url ?? '/'}`, { method: req.method, headers, agent }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        up.on('error', () => res.destroy());
        req.pipe(up);
      })
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('kubectl get pages through 5,000 objects as upstream', () => {
  let skiff: SkiffProcess;
  let api: ReturnType<typeof apiClient>;
  before(async () => {
    // Exactly the 5,000 ConfigMaps of the fixture: no controller adds kube-root-ca.crt to the namespace.
    skiff = await startSkiff({ args: ['--disable-controller-manager'] });
    api = apiClient(skiff.kubeconfig);
    assert.equal((await api.request('POST', '/api/v1/namespaces', { metadata: { name: 'pages' } })).status, 201);
    // Sixteen writers at a time: the fixture, not the subject of the test.
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < total; i = next++) {
        const r = await api.request('POST', '/api/v1/namespaces/pages/configmaps', { metadata: { name: name(i) }, data: { v: 'old' } });
        assert.equal(r.status, 201);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
  });
  after(async () => {
    api.close();
    await skiff.cleanup();
  });

  test('10 requests of limit=500, following continue, print each of the 5,000 rows once', async () => {
    const r = await kubectlAsync(skiff.kubeconfig, ['get', 'configmaps', '-n', 'pages', '-v=6']);
    assert.equal(r.code, 0, r.stderr);
    const requests = listRequests(r.stderr);
    assert.equal(requests.length, 10, requests.join('\n'));
    assert.match(requests[0] ?? '', /\?limit=500$/);
    for (const u of requests.slice(1)) assert.match(u, /\?continue=[^&]+&limit=500$/);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^NAME\s+DATA\s+AGE$/);
    const names = lines.slice(1).map((l) => l.split(/\s+/)[0] ?? '');
    assert.equal(names.length, total);
    assert.equal(new Set(names).size, total);
    assert.deepEqual(names, Array.from({ length: total }, (_, i) => name(i)));
  });

  test('a write between chunks is not seen: every chunk comes from the first chunk\'s revision', async () => {
    let listed = 0;
    const proxy = await startProxy(skiff.kubeconfig, async (path) => {
      if (!/\/namespaces\/pages\/configmaps\?/.test(path)) return;
      listed++;
      if (listed !== 4) return;
      // Between the 3rd and 4th chunk: add one, delete one and change one that later chunks hold.
      assert.equal((await api.request('POST', '/api/v1/namespaces/pages/configmaps', { metadata: { name: 'cm-late' }, data: { v: 'new' } })).status, 201);
      assert.equal((await api.request('DELETE', `/api/v1/namespaces/pages/configmaps/${name(4999)}`)).status, 200);
      const changed = (await api.request('GET', `/api/v1/namespaces/pages/configmaps/${name(4000)}`)).body as { data: Record<string, string> };
      changed.data.v = 'new';
      assert.equal((await api.request('PUT', `/api/v1/namespaces/pages/configmaps/${name(4000)}`, changed)).status, 200);
    });
    try {
      const kc = join(skiff.dataDir, 'proxy.kubeconfig');
      writeFileSync(kc, `apiVersion: v1\nkind: Config\nclusters:\n- name: p\n  cluster:\n    server: ${proxy.url}\nusers:\n- name: p\n  user: {}\ncontexts:\n- name: p\n  context:\n    cluster: p\n    user: p\ncurrent-context: p\n`);
      const out = await kubectlAsyncOK(kc, ['get', 'configmaps', '-n', 'pages', '-o', 'custom-columns=NAME:.metadata.name,V:.data.v', '--no-headers']);
      const rows = out.trimEnd().split('\n').map((l) => l.split(/\s+/));
      assert.equal(listed, 10);
      assert.equal(rows.length, total);
      assert.deepEqual(rows.map((r) => r[0]), Array.from({ length: total }, (_, i) => name(i)));
      assert.ok(rows.every((r) => r[1] === 'old'));
    } finally {
      await proxy.close();
    }
    const now = (await kubectlAsyncOK(skiff.kubeconfig, ['get', 'configmaps', '-n', 'pages', '-o', 'name'])).trimEnd().split('\n');
    assert.equal(now.length, total);
    assert.ok(now.includes('configmap/cm-late') && !now.includes(`configmap/${name(4999)}`));
    assert.equal(await kubectlAsyncOK(skiff.kubeconfig, ['get', 'configmap', name(4000), '-n', 'pages', '-o', 'jsonpath={.data.v}']), 'new');
  });
});
