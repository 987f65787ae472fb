import assert from 'node:assert/strict';
import { test } from 'node:test';
import { patchMetaOf } from '../../api/patchmeta.js';
import { pods } from '../../api/core/index.js';
import { applyStrategicPatch } from './strategic.js';

const pod = {
  metadata: { name: 'p', labels: { a: '1', b: '2' }, finalizers: ['x'] },
  spec: {
    containers: [
      { name: 'web', image: 'nginx:1', ports: [{ containerPort: 80 }, { containerPort: 443 }], env: [{ name: 'A', value: '1' }] },
      { name: 'side', image: 'busybox' },
    ],
    tolerations: [{ key: 't1' }, { key: 't2' }],
    volumes: [{ name: 'v', emptyDir: {} }],
  },
};
const meta = patchMetaOf(pods);
const apply = (patch: unknown) => applyStrategicPatch(pod, patch, meta) as typeof pod & Record<string, unknown>;

test('maps merge key by key and null deletes; the original is untouched', () => {
  const r = apply({ metadata: { labels: { a: null, c: '3' } } });
  assert.deepEqual(r.metadata.labels, { b: '2', c: '3' });
  assert.deepEqual(pod.metadata.labels, { a: '1', b: '2' });
});

test('lists with a merge key merge element by element, recursively', () => {
  const r = apply({ spec: { containers: [{ name: 'web', image: 'nginx:2', env: [{ name: 'B', value: '2' }] }, { name: 'new', image: 'x' }] } });
  const [web, side, added] = r.spec.containers;
  assert.equal(web?.image, 'nginx:2');
  assert.deepEqual(web.ports, pod.spec.containers[0]?.ports);
  assert.deepEqual(web.env, [{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
  assert.equal(side?.image, 'busybox');
  assert.equal(added?.name, 'new');
});

test('lists without merge metadata are replaced; primitive lists with strategy merge are unions', () => {
  const r = apply({ spec: { tolerations: [{ key: 't3' }] }, metadata: { finalizers: ['y', 'x'] } });
  assert.deepEqual(r.spec.tolerations, [{ key: 't3' }]);
  assert.deepEqual(r.metadata.finalizers, ['x', 'y']);
});

test('directives: $patch delete/replace, $retainKeys, $setElementOrder, $deleteFromPrimitiveList', () => {
  const del = apply({ spec: { containers: [{ name: 'side', $patch: 'delete' }] } });
  assert.deepEqual(del.spec.containers.map((c) => c.name), ['web']);
  const web = apply({ spec: { containers: [{ name: 'web', ports: [{ containerPort: 443, $patch: 'delete' }] }] } }).spec.containers[0];
  assert.deepEqual(web?.ports, [{ containerPort: 80 }]);
  const replaced = apply({ spec: { containers: [{ name: 'only', image: 'i' }, { $patch: 'replace' }] } });
  assert.deepEqual(replaced.spec.containers, [{ name: 'only', image: 'i' }]);
  const mapReplaced = apply({ metadata: { labels: { z: '9', $patch: 'replace' } } });
  assert.deepEqual(mapReplaced.metadata.labels, { z: '9' });
  const retained = apply({ spec: { volumes: [{ name: 'v', hostPath: { path: '/x' }, $retainKeys: ['name', 'hostPath'] }] } });
  assert.deepEqual(retained.spec.volumes, [{ name: 'v', hostPath: { path: '/x' } }]);
  const ordered = apply({ spec: { ['$setElementOrder/containers']: [{ name: 'side' }, { name: 'web' }] } });
  assert.deepEqual(ordered.spec.containers.map((c) => c.name), ['side', 'web']);
  const fewer = apply({ metadata: { ['$deleteFromPrimitiveList/finalizers']: ['x'] } });
  assert.deepEqual(fewer.metadata.finalizers, []);
  for (const r of [del, replaced, retained, ordered, fewer]) assert.ok(!JSON.stringify(r).includes('$'), 'no directive is kept');
});
