import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { startEtcd, type EtcdProcess } from '../support/etcd.js';
import { kubectl, kubectlOK } from '../support/kubectl.js';
import { startSkiff } from '../support/skiff.js';

interface Kubeconfig {
  clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
}

/** A POST with the admin certificate from a kubeconfig; resolves with the HTTP status. */
function clientFor(path: string) {
  const kc = parse(readFileSync(path, 'utf8')) as Kubeconfig;
  const b64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');
  const server = kc.clusters[0]?.cluster.server ?? '';
  const agent = new Agent({
    keepAlive: true,
    ca: b64(kc.clusters[0]?.cluster['certificate-authority-data']),
    cert: b64(kc.users[0]?.user['client-certificate-data']),
    key: b64(kc.users[0]?.user['client-key-data']),
  });
  const call = (method: string, p: string, body?: unknown) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = request(`${server}${p}`, { method, agent, headers: { 'Content-Type': 'application/json', ...(data ? { 'Content-Length': String(Buffer.byteLength(data)) } : {}) } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(data);
    });
  return { call, close: () => agent.destroy() };
}

/** SIGKILL `skiff server` while writes are in flight; after a restart every acknowledged write is there. */
function crashSuite(backend: string, endpoint: () => string | undefined): void {
  test(`a killed skiff server loses no acknowledged write (${backend})`, async () => {
    const first = await startSkiff({ endpoint: endpoint() });
    const acknowledged: string[] = [];
    let stop = false;
    try {
      const client = clientFor(first.kubeconfig);
      const writer = async (w: number) => {
        for (let i = 0; !stop; i++) {
          const name = `w${w}-${i}`;
          try {
            const r = await client.call('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { i: String(i) } });
            if (r.status === 201) acknowledged.push(name);
          } catch {
            return; // the connection died with the server
          }
        }
      };
      const writers = Array.from({ length: 8 }, (_, w) => writer(w));
      while (acknowledged.length < 300) await new Promise((r) => setTimeout(r, 10));
      first.child.kill('SIGKILL');
      stop = true;
      await Promise.all(writers);
      client.close();
      assert.equal(await first.stop(), 'SIGKILL');
    } finally {
      stop = true;
      await first.stop();
    }
    const second = await startSkiff({ dataDir: first.dataDir, endpoint: endpoint() });
    try {
      const client = clientFor(second.kubeconfig);
      const list = await client.call('GET', '/api/v1/namespaces/default/configmaps');
      client.close();
      const names = new Set((JSON.parse(list.text) as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name));
      const lost = acknowledged.filter((n) => !names.has(n));
      assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged creates lost`);
    } finally {
      await second.cleanup();
      rmSync(first.dataDir, { recursive: true, force: true });
    }
  });
}

describe('crash safety', () => {
  let etcd: EtcdProcess | undefined;
  before(async () => {
    etcd = await startEtcd();
  });
  after(async () => {
    await etcd?.stop();
  });
  crashSuite('SQLite', () => undefined);
  crashSuite('etcd', () => etcd?.endpoint);
});

test('while etcd is down the API answers 503 ServiceUnavailable, and recovers when it returns', async () => {
  const db = await startEtcd();
  const skiff = await startSkiff({ endpoint: db.endpoint });
  let restarted: EtcdProcess | undefined;
  try {
    kubectlOK(skiff.kubeconfig, ['create', 'configmap', 'before', '--from-literal=x=1']);
    await db.crash();
    const down = kubectl(skiff.kubeconfig, ['get', 'configmap', 'before']);
    assert.notEqual(down.code, 0);
    assert.match(down.stderr, /Error from server \(ServiceUnavailable\)/);
    restarted = await startEtcd({ dataDir: db.dataDir, port: db.port });
    let got = '';
    for (let i = 0; i < 100 && !got.includes('configmap/before'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      got = kubectl(skiff.kubeconfig, ['get', 'configmap', 'before', '-o', 'name']).stdout;
    }
    assert.equal(got, 'configmap/before\n');
    kubectlOK(skiff.kubeconfig, ['create', 'configmap', 'after', '--from-literal=x=1']);
    assert.equal(skiff.child.exitCode, null, 'the server survived');
  } finally {
    await skiff.cleanup();
    await restarted?.stop();
    await db.stop();
  }
});
