import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { containerMounts, setUpVolumes, tearDownVolumes, VolumeError, type PodWithVolumes, type VolumeSources } from './volumes.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function fixture() {
  const root = mkdtempSync(join(tmpdir(), 'skiff-volumes-'));
  const data: Record<string, string> = { 'app.conf': 'port=80\n', mode: 'prod', extra: 'gone soon' };
  const sources: VolumeSources = {
    configMap: (name) => Promise.resolve(name === 'cfg' ? { data: { ...data } } : undefined),
    secret: (name) => Promise.resolve(name === 'creds' ? { data: { password: b64('s3cret') } } : undefined),
    claimPath: (claim) => Promise.resolve(claim === 'bound' ? join(root, 'pv') : undefined),
    allocatable: { cpu: '2', memory: '4Gi' },
  };
  return { root, data, sources, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

const podWith = (volumes: NonNullable<NonNullable<PodWithVolumes['spec']>['volumes']>): PodWithVolumes => ({
  metadata: { name: 'web', namespace: 'shop', uid: 'u1', labels: { app: 'web' } },
  spec: { nodeName: 'n1', containers: [{ name: 'app', resources: { limits: { memory: '512Mi' } } }], volumes },
});

test('configMap, secret, downwardAPI and projected volumes are written as upstream\'s atomic writer; an update swaps them', async () => {
  const f = fixture();
  try {
    const pod = podWith([
      { name: 'conf', configMap: { name: 'cfg' } },
      { name: 'only', configMap: { name: 'cfg', items: [{ key: 'mode', path: 'sub/mode.txt', mode: 0o600 }] } },
      { name: 'secret', secret: { secretName: 'creds', defaultMode: 0o400 } },
      { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'mem', resourceFieldRef: { containerName: 'app', resource: 'limits.memory', divisor: '1Mi' } }] } },
      { name: 'all', projected: { sources: [{ configMap: { name: 'cfg', items: [{ key: 'mode', path: 'mode' }] } }, { secret: { name: 'creds' } }, { downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } }] } },
      { name: 'maybe', configMap: { name: 'absent', optional: true } },
    ]);
    const podDir = join(f.root, 'pod');
    const vols = await setUpVolumes(pod, podDir, f.sources);
    const conf = vols.get('conf') ?? '';
    assert.equal(conf, join(podDir, 'volumes', 'kubernetes.io~configmap', 'conf'));
    assert.equal(readFileSync(join(conf, 'app.conf'), 'utf8'), 'port=80\n');
    assert.equal(readlinkSync(join(conf, 'mode')), '..data/mode');
    assert.match(readlinkSync(join(conf, '..data')), /^\.\.\d{4}_/);
    assert.equal(readFileSync(join(vols.get('only') ?? '', 'sub', 'mode.txt'), 'utf8'), 'prod');
    assert.equal(statSync(join(vols.get('only') ?? '', 'sub', 'mode.txt')).mode & 0o777, 0o600);
    assert.equal(readFileSync(join(vols.get('secret') ?? '', 'password'), 'utf8'), 's3cret');
    assert.equal(statSync(join(vols.get('secret') ?? '', 'password')).mode & 0o777, 0o400);
    assert.equal(readFileSync(join(vols.get('info') ?? '', 'labels'), 'utf8'), 'app="web"');
    assert.equal(readFileSync(join(vols.get('info') ?? '', 'mem'), 'utf8'), '512');
    assert.deepEqual(readdirSync(vols.get('all') ?? '').filter((n) => !n.startsWith('..')).sort(), ['mode', 'name', 'password']);
    assert.deepEqual(readdirSync(vols.get('maybe') ?? '').filter((n) => !n.startsWith('..')), []);
    // The ConfigMap changes: the next sync swaps every file at once, drops the removed key and the old directory.
    const before = readlinkSync(join(conf, '..data'));
    f.data['app.conf'] = 'port=8080\n';
    delete f.data.extra;
    await setUpVolumes(pod, podDir, f.sources);
    assert.equal(readFileSync(join(conf, 'app.conf'), 'utf8'), 'port=8080\n');
    assert.notEqual(readlinkSync(join(conf, '..data')), before);
    assert.deepEqual(readdirSync(conf).sort(), ['..data', readlinkSync(join(conf, '..data')), 'app.conf', 'mode'].sort());
  } finally {
    f.cleanup();
  }
});

test('the kube-api-access volume: token from the service account token source, ca.crt and namespace, 0644; the token follows the source', async () => {
  const f = fixture();
  try {
    const calls: [string, number, string][] = [];
    let token = 'tok-1';
    const sources: VolumeSources = {
      ...f.sources,
      configMap: (name) => Promise.resolve(name === 'kube-root-ca.crt' ? { data: { 'ca.crt': 'CA PEM' } } : undefined),
      serviceAccountToken: (audience, seconds, p) => {
        calls.push([audience, seconds, p.metadata.uid ?? '']);
        return Promise.resolve(token);
      },
    };
    // As the ServiceAccount admission writes it.
    const pod = podWith([
      {
        name: 'kube-api-access-b2c4d',
        projected: {
          defaultMode: 0o644,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
          ],
        },
      },
      { name: 'vault', projected: { sources: [{ serviceAccountToken: { audience: 'vault', path: 'vault-token' } }] } },
    ]);
    const podDir = join(f.root, 'pod');
    const vols = await setUpVolumes(pod, podDir, sources);
    const dir = vols.get('kube-api-access-b2c4d') ?? '';
    assert.equal(dir, join(podDir, 'volumes', 'kubernetes.io~projected', 'kube-api-access-b2c4d'));
    assert.deepEqual(readdirSync(dir).filter((n) => !n.startsWith('..')).sort(), ['ca.crt', 'namespace', 'token']);
    assert.equal(readFileSync(join(dir, 'token'), 'utf8'), 'tok-1');
    assert.equal(readFileSync(join(dir, 'ca.crt'), 'utf8'), 'CA PEM');
    assert.equal(readFileSync(join(dir, 'namespace'), 'utf8'), 'shop');
    assert.equal(statSync(join(dir, 'token')).mode & 0o777, 0o644);
    assert.equal(readFileSync(join(vols.get('vault') ?? '', 'vault-token'), 'utf8'), 'tok-1');
    // '' asks for the API server's audience; an unset lifetime is upstream's default hour.
    assert.deepEqual(calls, [['', 3607, 'u1'], ['vault', 3600, 'u1']]);
    token = 'tok-2';
    await setUpVolumes(pod, podDir, sources);
    assert.equal(readFileSync(join(dir, 'token'), 'utf8'), 'tok-2', 'a refreshed token replaces the file');
    // A kubelet without a token source cannot start such a pod.
    await assert.rejects(setUpVolumes(pod, join(f.root, 'other'), { ...f.sources, configMap: (name) => sources.configMap(name) }), (e: unknown) => e instanceof VolumeError && /cannot request service account tokens/.test(e.message));
  } finally {
    f.cleanup();
  }
});

test('missing objects, keys and claims are errors the pod waits on', async () => {
  const f = fixture();
  try {
    const fail = (v: Parameters<typeof podWith>[0]) => setUpVolumes(podWith(v), join(f.root, 'pod'), f.sources);
    await assert.rejects(fail([{ name: 'x', configMap: { name: 'absent' } }]), (e: unknown) => e instanceof VolumeError && e.message === 'configmap "absent" not found');
    await assert.rejects(fail([{ name: 'x', secret: { secretName: 'creds', items: [{ key: 'nope', path: 'p' }] } }]), /configuration key "nope" not found in secret "creds"/);
    await assert.rejects(fail([{ name: 'x', persistentVolumeClaim: { claimName: 'pending' } }]), /persistentvolumeclaim "pending" is not bound/);
    await assert.rejects(fail([{ name: 'x', configMap: { name: 'cfg', items: [{ key: 'mode', path: '../escape' }] } }]), /invalid path in volume/);
    await assert.rejects(fail([{ name: 'x', hostPath: { path: join(f.root, 'missing'), type: 'Directory' } }]), /hostPath type check failed: .* is not a directory/);
  } finally {
    f.cleanup();
  }
});

test('emptyDir, hostPath and claims; mounts with subPath and readOnly; tear-down removes what the kubelet made', async () => {
  const f = fixture();
  try {
    writeFileSync(join(f.root, 'a-file'), 'x');
    const pod = podWith([
      { name: 'scratch', emptyDir: {} },
      { name: 'host', hostPath: { path: join(f.root, 'host', 'made'), type: 'DirectoryOrCreate' } },
      { name: 'file', hostPath: { path: join(f.root, 'a-file'), type: 'File' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'bound' } },
    ]);
    const podDir = join(f.root, 'pod');
    const vols = await setUpVolumes(pod, podDir, f.sources);
    assert.equal(statSync(vols.get('scratch') ?? '').mode & 0o777, 0o777);
    assert.ok(statSync(join(f.root, 'host', 'made')).isDirectory());
    assert.equal(vols.get('data'), join(f.root, 'pv'));
    const mounts = await containerMounts([{ name: 'scratch', mountPath: '/cache' }, { name: 'scratch', mountPath: '/logs', subPath: 'logs/app' }, { name: 'host', mountPath: '/host', readOnly: true }], vols);
    assert.deepEqual(mounts, [
      { containerPath: '/cache', hostPath: vols.get('scratch'), readonly: false },
      { containerPath: '/logs', hostPath: join(vols.get('scratch') ?? '', 'logs', 'app'), readonly: false },
      { containerPath: '/host', hostPath: join(f.root, 'host', 'made'), readonly: true },
    ]);
    assert.ok(statSync(join(vols.get('scratch') ?? '', 'logs', 'app')).isDirectory());
    await assert.rejects(containerMounts([{ name: 'nope', mountPath: '/x' }], vols), /volume "nope" not found/);
    await tearDownVolumes(podDir);
    assert.equal(statSync(join(podDir, 'volumes'), { throwIfNoEntry: false }), undefined);
    assert.ok(statSync(join(f.root, 'host', 'made')).isDirectory(), 'hostPath volumes stay');
  } finally {
    f.cleanup();
  }
});

test('emptyDir with medium Memory is a tmpfs of its sizeLimit, unmounted at tear-down', { skip: process.getuid?.() !== 0 && !process.env.CI ? 'needs root to mount tmpfs' : false }, async () => {
  const f = fixture();
  const podDir = join(f.root, 'pod');
  try {
    const vols = await setUpVolumes(podWith([{ name: 'ram', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } }]), podDir, f.sources);
    const dir = vols.get('ram') ?? '';
    const mount = readFileSync('/proc/mounts', 'utf8').split('\n').find((l) => l.split(' ')[1] === dir);
    assert.ok(mount, 'mounted');
    assert.match(mount, /^tmpfs .* tmpfs .*size=8192k/);
    await setUpVolumes(podWith([{ name: 'ram', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } }]), podDir, f.sources);
    assert.equal(readFileSync('/proc/mounts', 'utf8').split('\n').filter((l) => l.split(' ')[1] === dir).length, 1, 'mounted once on a second sync');
    await tearDownVolumes(podDir);
    assert.equal(readFileSync('/proc/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === dir), false);
  } finally {
    await tearDownVolumes(podDir).catch(() => undefined);
    f.cleanup();
  }
});
