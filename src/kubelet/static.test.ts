import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CONFIG_HASH_ANNOTATION, CONFIG_MIRROR_ANNOTATION, CONFIG_SEEN_ANNOTATION, CONFIG_SOURCE_ANNOTATION, mirrorHash, mirrorPod, readManifests, staticPod } from './static.js';

const YAML = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: { app: web }
spec:
  containers:
  - name: main
    image: busybox:test
    command: [sleep, "3600"]
`;

test("a static pod as upstream's file source makes it: name -<node>, namespace default, bound, hashed uid, config annotations, NoExecute toleration", () => {
  const m = staticPod('/etc/manifests/web.yaml', YAML, 'Node-A', '2026-01-01T00:00:00.123Z');
  assert.ok('pod' in m, JSON.stringify(m));
  const { pod, hash } = m;
  assert.match(hash, /^[0-9a-f]{32}$/);
  assert.equal(pod.metadata.name, 'web-node-a');
  assert.equal(pod.metadata.namespace, 'default');
  assert.equal(pod.metadata.uid, hash);
  assert.deepEqual(pod.metadata.labels, { app: 'web' });
  assert.deepEqual(pod.metadata.annotations, { [CONFIG_HASH_ANNOTATION]: hash, [CONFIG_SEEN_ANNOTATION]: '2026-01-01T00:00:00.123Z', [CONFIG_SOURCE_ANNOTATION]: 'file' });
  assert.equal(pod.spec?.nodeName, 'Node-A');
  assert.deepEqual((pod.spec as { tolerations?: unknown }).tolerations, [{ operator: 'Exists', effect: 'NoExecute' }]);
  assert.deepEqual(pod.spec.containers?.[0]?.command, ['sleep', '3600']);
});

test('the hash is the same for the same file, content and node (not the seen time), and differs when any of them does', () => {
  const hash = (file: string, text: string, node: string, seen = 'a') => { const m = staticPod(file, text, node, seen); return 'hash' in m ? m.hash : m.error; };
  const base = hash('/m/web.yaml', YAML, 'n1');
  assert.equal(hash('/m/web.yaml', YAML, 'n1', 'b'), base);
  assert.equal(hash('/m/web.yaml', JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'busybox:test', command: ['sleep', '3600'] }] } }), 'n1'), base, 'the same pod in JSON');
  assert.notEqual(hash('/m/web.yaml', YAML.replace('3600', '60'), 'n1'), base);
  assert.notEqual(hash('/m/other.yaml', YAML, 'n1'), base);
  assert.notEqual(hash('/m/web.yaml', YAML, 'n2'), base);
  const ns = staticPod('/m/x.yaml', YAML.replace('  name: web', '  name: web\n  namespace: kube-system'), 'n1', '');
  assert.equal('pod' in ns && ns.pod.metadata.namespace, 'kube-system');
});

test('invalid manifests are errors that say what is wrong', () => {
  const error = (text: string) => { const m = staticPod('/m/bad.yaml', text, 'n1', ''); return 'error' in m ? m.error : 'accepted'; };
  assert.match(error('{ not: [yaml'), /not YAML or JSON/);
  assert.match(error('- a\n- b\n'), /one Pod object per file/);
  assert.match(error(YAML.replace('kind: Pod', 'kind: Deployment')), /want apiVersion v1 and kind Pod, got v1 Deployment/);
  assert.match(error(YAML.replace('  name: web\n', '')), /metadata.name is required/);
  assert.match(error(YAML.replace('name: web', 'name: Web_1')), /"Web_1-n1" is not a DNS subdomain/);
  assert.match(error(YAML.replace('    image: busybox:test\n', '')), /spec.containers\[0\].image/);
  assert.match(error('apiVersion: v1\nkind: Pod\nmetadata: { name: x }\nspec: { containers: [] }\n'), /spec.containers/);
});

test('the mirror pod: the static pod without its uid, marked with the hash, owned by the Node', () => {
  const m = staticPod('/m/web.yaml', YAML, 'n1', 'now');
  assert.ok('pod' in m);
  const mirror = mirrorPod(m.pod, m.hash, { name: 'n1', uid: 'node-uid' });
  assert.equal(mirror.metadata.uid, undefined);
  assert.equal(mirrorHash(mirror), m.hash);
  assert.equal(mirror.metadata.annotations?.[CONFIG_HASH_ANNOTATION], m.hash);
  assert.deepEqual(mirror.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'node-uid', controller: true }]);
  assert.equal(mirror.spec?.nodeName, 'n1');
  assert.equal(mirrorHash(m.pod), undefined, 'the static pod itself is no mirror');
  assert.equal(mirror.metadata.annotations[CONFIG_MIRROR_ANNOTATION], m.hash);
});

test('readManifests: every file in name order, dotfiles and subdirectories skipped, bad files reported', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'manifests-'));
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });
  writeFileSync(join(dir, 'b.yaml'), YAML.replace('name: web', 'name: b'));
  writeFileSync(join(dir, 'a.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' }, spec: { containers: [{ name: 'c', image: 'busybox:test' }] } }));
  writeFileSync(join(dir, '.b.yaml.swp'), 'garbage');
  writeFileSync(join(dir, 'c.yaml'), 'kind: Service');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'd.yaml'), YAML);
  const got = await readManifests(dir, 'n1', () => 'seen-at');
  assert.deepEqual(got.map((m) => ('pod' in m ? m.pod.metadata.name : `error ${m.file}`)), ['a-n1', 'web-n1'.replace('web', 'b'), `error ${join(dir, 'c.yaml')}`]);
  const first = got[0];
  assert.ok(first && 'pod' in first);
  assert.equal(first.pod.metadata.annotations?.[CONFIG_SEEN_ANNOTATION], 'seen-at');
});
