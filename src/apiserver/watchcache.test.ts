import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encode } from './objects.js';
import { decode, decodeJSON } from './watchcache.js';

test('decodeJSON splices the resourceVersion into stored JSON, same as parsing', () => {
  const obj = { spec: { template: { metadata: { name: 'inner' } } }, kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p', resourceVersion: '3' } };
  const value = encode(obj);
  assert.ok(value.startsWith('{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}'), value);
  const kv = { key: '/registry/pods/default/p', value, createRevision: 7, modRevision: 9 };
  const spliced = JSON.parse(decodeJSON(kv)) as typeof obj;
  assert.equal(spliced.metadata.resourceVersion, '9');
  assert.deepEqual(spliced, { ...obj, metadata: { name: 'p', resourceVersion: '9' } });
  assert.deepEqual(JSON.parse(decode(kv).json), spliced);
  const empty = { key: 'k', value: encode({ apiVersion: 'v1', kind: 'X', metadata: {} }), createRevision: 1, modRevision: 2 };
  assert.deepEqual(JSON.parse(decodeJSON(empty)), { apiVersion: 'v1', kind: 'X', metadata: { resourceVersion: '2' } });
  const foreign = { key: 'k', value: '{"kind":"X","metadata":{"name":"a"},"apiVersion":"v1"}', createRevision: 1, modRevision: 4 };
  assert.equal((JSON.parse(decodeJSON(foreign)) as typeof obj).metadata.resourceVersion, '4');
});
