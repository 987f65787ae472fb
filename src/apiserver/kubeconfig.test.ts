import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { writeKubeconfig } from './kubeconfig.js';

void test('writeKubeconfig writes a standard kubeconfig, mode 0600, leaving no temp file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-kubeconfig-'));
  try {
    const path = join(dir, 'sub', 'kubeconfig.yaml');
    const params = { server: 'https://127.0.0.1:6443', caCert: 'CA', clientCert: 'CERT', clientKey: 'KEY' };
    await writeKubeconfig(path, params);
    await writeKubeconfig(path, params); // replaces
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(join(dir, 'sub')), ['kubeconfig.yaml']);
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    assert.deepEqual(parse(await readFile(path, 'utf8')), {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'default', cluster: { server: params.server, 'certificate-authority-data': b64('CA') } }],
      users: [{ name: 'default', user: { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') } }],
      contexts: [{ name: 'default', context: { cluster: 'default', user: 'default' } }],
      'current-context': 'default',
      preferences: {},
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
