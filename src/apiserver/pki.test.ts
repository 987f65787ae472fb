import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { PKI_FILES, loadOrCreatePKI, type PKI } from './pki.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skiff-pki-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const hosts = { ips: ['10.0.0.5'], dnsNames: ['node1.example'] };

function chains(pki: PKI): void {
  const ca = new X509Certificate(pki.caCert);
  assert.equal(ca.subject, 'CN=skiff-ca');
  assert.ok(ca.ca);
  assert.ok(ca.verify(ca.publicKey));
  for (const [cert, key] of [
    [pki.serverCert, pki.serverKey],
    [pki.adminCert, pki.adminKey],
  ] as const) {
    const x = new X509Certificate(cert);
    assert.ok(x.checkIssued(ca), 'issued by the CA');
    assert.ok(x.verify(ca.publicKey), 'signed by the CA');
    assert.ok(x.checkPrivateKey(createPrivateKey(key)), 'matches its key');
  }
}

void test('first call creates a CA, a serving and an admin certificate that chain to it', async () => {
  const pki = await loadOrCreatePKI(dir, hosts);
  chains(pki);
  const server = new X509Certificate(pki.serverCert);
  for (const ip of ['127.0.0.1', '::1', '10.0.0.5']) assert.equal(server.checkIP(ip), ip);
  for (const name of [
    'localhost',
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    'kubernetes.default.svc.cluster.local',
    'node1.example',
  ]) {
    assert.equal(server.checkHost(name, { subject: 'never' }), name);
  }
  assert.deepEqual(server.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  const admin = new X509Certificate(pki.adminCert);
  assert.match(admin.subject, /O=system:masters/);
  assert.match(admin.subject, /CN=system:admin/);
  assert.deepEqual(admin.keyUsage, ['1.3.6.1.5.5.7.3.2']);
  const ca = new X509Certificate(pki.caCert);
  const years = (Date.parse(ca.validTo) - Date.now()) / (365 * 86_400_000);
  assert.ok(years > 9.9 && years < 10.1, `CA valid ~10 years, got ${years}`);
});

void test('keys are mode 0600', async () => {
  await loadOrCreatePKI(dir, hosts);
  for (const f of [PKI_FILES.caKey, PKI_FILES.serverKey, PKI_FILES.adminKey]) {
    assert.equal((await stat(join(dir, f))).mode & 0o777, 0o600, f);
  }
});

void test('a second call reuses every file byte for byte', async () => {
  const first = await loadOrCreatePKI(dir, hosts);
  const second = await loadOrCreatePKI(dir, hosts);
  assert.deepEqual(second, first);
  assert.equal(await readFile(join(dir, PKI_FILES.serverCert), 'utf8'), first.serverCert);
});

void test('a new SAN re-issues the serving certificate from the same CA and keeps the old SANs', async () => {
  const first = await loadOrCreatePKI(dir, hosts);
  const second = await loadOrCreatePKI(dir, { ips: ['192.168.1.9'], dnsNames: ['other.example'] });
  assert.equal(second.caCert, first.caCert);
  assert.equal(second.adminCert, first.adminCert);
  assert.notEqual(second.serverCert, first.serverCert);
  chains(second);
  const server = new X509Certificate(second.serverCert);
  assert.equal(server.checkIP('192.168.1.9'), '192.168.1.9');
  assert.equal(server.checkIP('10.0.0.5'), '10.0.0.5');
  assert.equal(server.checkHost('other.example', { subject: 'never' }), 'other.example');
  assert.equal(server.checkHost('node1.example', { subject: 'never' }), 'node1.example');
});

void test('a serving certificate near expiry is renewed', async () => {
  const first = await loadOrCreatePKI(dir, hosts);
  const later = new Date(Date.now() + 300 * 86_400_000);
  const second = await loadOrCreatePKI(dir, hosts, { now: () => later });
  assert.equal(second.caCert, first.caCert);
  assert.notEqual(second.serverCert, first.serverCert);
  assert.notEqual(second.adminCert, first.adminCert);
});

void test('a damaged serving certificate is re-issued; a damaged CA is an error', async () => {
  await loadOrCreatePKI(dir, hosts);
  await writeFile(join(dir, PKI_FILES.serverCert), 'garbage');
  chains(await loadOrCreatePKI(dir, hosts));
  await writeFile(join(dir, PKI_FILES.caCert), 'garbage');
  await assert.rejects(loadOrCreatePKI(dir, hosts), { name: 'PKIError', code: 'Corrupt' });
});

void test('an invalid host is rejected', async () => {
  await assert.rejects(loadOrCreatePKI(dir, { ips: ['not-an-ip'], dnsNames: [] }), { code: 'InvalidHost' });
});
