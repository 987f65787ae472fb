import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { openStore, type Store } from '../storage/index.js';
import { bootstrapKey, loadClusterPKI, seal, unseal } from './cluster-ca.js';
import { loadOrCreatePKI, PKI_FILES } from './pki.js';

let dir = '';
let store: Store;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skiff-cluster-ca-'));
  store = await openStore('', { dataDir: join(dir, 'db') });
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const hosts = { ips: [], dnsNames: [] };

void test('two servers on one datastore serve from one CA: the second takes the first one\'s', async () => {
  const a = await loadClusterPKI(store, 'tok', join(dir, 'a'), hosts);
  const b = await loadClusterPKI(store, 'tok', join(dir, 'b'), hosts);
  assert.equal(b.caCert, a.caCert);
  assert.equal(b.caKey, a.caKey);
  const ca = new X509Certificate(a.caCert);
  for (const cert of [b.serverCert, b.adminCert]) assert.ok(new X509Certificate(cert).verify(ca.publicKey), 'b\'s leaves are signed by the shared CA');
  assert.equal(await readFile(join(dir, 'b', PKI_FILES.caCert), 'utf8'), a.caCert, 'kept in b\'s data dir');
  // What is stored is not the key in the clear.
  const kv = await store.get(bootstrapKey('tok'));
  assert.ok(kv && !kv.value.includes('PRIVATE KEY'));
  // A restart of either keeps it.
  assert.equal((await loadClusterPKI(store, 'tok', join(dir, 'b'), hosts)).caCert, a.caCert);
});

void test('a data dir made before the CA was shared publishes its CA on its next start', async () => {
  const old = await loadOrCreatePKI(join(dir, 'a'), hosts);
  const again = await loadClusterPKI(store, 'tok', join(dir, 'a'), hosts);
  assert.equal(again.caCert, old.caCert);
  assert.equal(unseal('tok', (await store.get(bootstrapKey('tok')))?.value ?? '').caCert, old.caCert);
});

void test('a server with another token, or a data dir of another cluster, refuses to start', async () => {
  await loadClusterPKI(store, 'tok', join(dir, 'a'), hosts);
  await assert.rejects(loadClusterPKI(store, 'other', join(dir, 'b'), hosts), (err: Error & { code?: string }) => err.code === 'Mismatch' && /another --token/.test(err.message));
  await loadOrCreatePKI(join(dir, 'c'), hosts);
  await assert.rejects(loadClusterPKI(store, 'tok', join(dir, 'c'), hosts), (err: Error & { code?: string }) => err.code === 'Mismatch' && /belongs to another cluster/.test(err.message));
});

void test('sealed data opens only with its token', () => {
  const sealed = seal('tok', { caCert: 'C', caKey: 'K' });
  assert.deepEqual(unseal('tok', sealed), { caCert: 'C', caKey: 'K' });
  assert.throws(() => unseal('wrong', sealed), (err: Error & { code?: string }) => err.code === 'Corrupt');
});
