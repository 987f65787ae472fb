import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FieldSet, formatPath } from './fieldset.js';

const v1 = { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"a"}': { '.': {}, 'f:image': {} } }, 'f:replicas': {} } };

test('fieldsV1 reads and writes back the same, "." marking a member with children', () => {
  const set = FieldSet.fromJSON(v1);
  assert.deepEqual(set.toJSON(), v1);
  assert.deepEqual(set.paths().map(formatPath), ['.metadata.labels', '.metadata.labels.app', '.spec.containers[name="a"]', '.spec.containers[name="a"].image', '.spec.replicas']);
});

test('minus, union and intersect work path by path and drop emptied nodes', () => {
  const a = FieldSet.fromJSON(v1);
  const b = FieldSet.fromJSON({ 'f:spec': { 'f:replicas': {} }, 'f:data': {} });
  assert.deepEqual(a.minus(b).toJSON(), { 'f:metadata': v1['f:metadata'], 'f:spec': { 'f:containers': v1['f:spec']['f:containers'] } });
  assert.deepEqual(a.intersect(b).toJSON(), { 'f:spec': { 'f:replicas': {} } });
  assert.deepEqual(a.union(b).paths().length, 6);
  assert.ok(a.minus(a).empty);
});

test('conflict paths print as upstream: keys, multi-key elements and set values', () => {
  assert.equal(formatPath(['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}', 'f:targetPort']), '.spec.ports[port=80,protocol="TCP"].targetPort');
  assert.equal(formatPath(['f:metadata', 'f:finalizers', 'v:"x"']), '.metadata.finalizers[="x"]');
});
