import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pullCredentials, registryOf } from './pullsecrets.js';

const secret = (auths: Record<string, unknown>) => ({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths })).toString('base64') } });
const b64 = (s: string) => Buffer.from(s).toString('base64');

void test('the registry of an image reference: docker.io unless the first part is a host', () => {
  assert.equal(registryOf('busybox'), 'docker.io');
  assert.equal(registryOf('library/busybox:1.36'), 'docker.io');
  assert.equal(registryOf('registry.example.com/team/app:1'), 'registry.example.com');
  assert.equal(registryOf('localhost:5000/app'), 'localhost:5000');
  assert.equal(registryOf('localhost/app'), 'localhost');
});

void test('pull secrets give the credentials of the image\'s registry, most specific path first', () => {
  const secrets = [
    secret({ 'https://index.docker.io/v1/': { auth: b64('hub:hubpass') } }),
    secret({ 'registry.example.com': { username: 'any', password: 'p1' }, 'registry.example.com/team': { username: 'team', password: 'p2' }, 'other.io': { auth: b64('o:o') } }),
  ];
  assert.deepEqual(pullCredentials('busybox:1.36', secrets), [{ username: 'hub', password: 'hubpass' }]);
  assert.deepEqual(pullCredentials('registry.example.com/team/app:1', secrets).map((a) => a.username), ['team', 'any']);
  assert.deepEqual(pullCredentials('registry.example.com/solo/app', secrets).map((a) => a.username), ['any']);
  assert.deepEqual(pullCredentials('quay.io/x/y', secrets), []);
  // A malformed config, or a legacy .dockercfg.
  assert.deepEqual(pullCredentials('busybox', [{ data: { '.dockerconfigjson': b64('{nope') } }]), []);
  assert.deepEqual(pullCredentials('busybox', [{ data: { '.dockercfg': b64(JSON.stringify({ 'docker.io': { username: 'u', password: 'p' } })) } }]), [{ username: 'u', password: 'p' }]);
});

void test('credentials carry no serverAddress (containerd 1.6 never sent them for a bare host, and failed to parse 127.0.0.1:5000)', () => {
  const auths = pullCredentials('127.0.0.1:5000/team/app:1', [secret({ '127.0.0.1:5000': { auth: b64('u:p') } })]);
  assert.deepEqual(auths, [{ username: 'u', password: 'p' }]);
});
