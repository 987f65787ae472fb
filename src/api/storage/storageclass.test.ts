import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../meta.js';
import { isDefaultClass, storageClasses } from './storageclass.js';

const sc = (fields: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => {
  const o: KubeObject = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast', ...(annotations ? { annotations } : {}) }, ...fields };
  storageClasses.defaults?.(o);
  return o;
};
const errors = (o: KubeObject, old?: KubeObject): string[] => (storageClasses.validate?.(o, old) ?? []).map((e) => `${e.field}: ${e.message}`);

void test('storageclass defaults and identity', () => {
  const o = sc({ provisioner: 'rancher.io/local-path' });
  assert.equal(o.reclaimPolicy, 'Delete');
  assert.equal(o.volumeBindingMode, 'Immediate');
  assert.equal(sc({ provisioner: 'p', reclaimPolicy: 'Retain' }).reclaimPolicy, 'Retain');
  assert.equal(storageClasses.namespaced, false);
  assert.deepEqual(storageClasses.shortNames, ['sc']);
  assert.equal(isDefaultClass(sc({}, { 'storageclass.kubernetes.io/is-default-class': 'true' })), true);
  assert.equal(isDefaultClass(sc({}, { 'storageclass.kubernetes.io/is-default-class': 'false' })), false);
  assert.deepEqual(errors(o), []);
});

void test('storageclass validation messages', () => {
  assert.deepEqual(errors(sc({})), ['provisioner: Required value']);
  assert.deepEqual(errors(sc({ provisioner: 'p', reclaimPolicy: 'Recycle', volumeBindingMode: 'Later' })), [
    'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"',
    'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"',
  ]);
  assert.equal(errors(sc({ provisioner: 'a/b/c' }))[0]?.startsWith('provisioner: Invalid value: "a/b/c": a qualified name must consist of'), true);
  const old = sc({ provisioner: 'p', parameters: { type: 'ssd' } });
  assert.deepEqual(errors(sc({ provisioner: 'q', parameters: { type: 'hdd' }, reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' }), old), [
    'parameters: Forbidden: updates to parameters are forbidden.',
    'provisioner: Forbidden: updates to provisioner are forbidden.',
    'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
    'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable',
  ]);
  assert.deepEqual(errors(sc({ provisioner: 'p', parameters: { type: 'ssd' }, allowVolumeExpansion: true }), old), []);
});
