import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prune } from './prune.js';
import type { Schema } from './types.js';

const container: Schema = { type: 'object', properties: { name: { type: 'string' }, env: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } } } };
const defs: Record<string, Schema> = { Container: container };
const pod: Schema = {
  type: 'object',
  properties: {
    spec: { type: 'object', properties: { containers: { type: 'array', items: { $ref: '#/definitions/Container' } } } },
    data: { type: 'object', additionalProperties: { type: 'string' } },
    raw: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    embedded: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object' } } },
  },
};
const resolve = (ref: string) => defs[ref.replace('#/definitions/', '')];

test('prune removes undeclared fields and reports their paths in document order', () => {
  const obj = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'a', image: 'x', env: [{ name: 'E', valu: '1' }] }], hostNetwork: true },
    data: { k: 'v' },
    raw: { anything: { goes: 1 } },
    embedded: { apiVersion: 'v1', kind: 'X', metadata: {}, spec: { gone: 1 }, extra: 1 },
    constructor: 1,
  };
  const unknown = prune(obj, pod, resolve);
  assert.deepEqual(unknown, ['spec.containers[0].image', 'spec.containers[0].env[0].valu', 'spec.hostNetwork', 'embedded.spec.gone', 'embedded.extra', 'constructor']);
  assert.deepEqual(obj.spec, { containers: [{ name: 'a', env: [{ name: 'E' }] }] });
  assert.deepEqual(obj.raw, { anything: { goes: 1 } });
  assert.deepEqual(obj.data, { k: 'v' });
  assert.deepEqual(obj.embedded, { apiVersion: 'v1', kind: 'X', metadata: {}, spec: {} });
});

test('prune keeps apiVersion, kind and metadata only at the root of an object', () => {
  const obj = { apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: { containers: [{ name: 'a', kind: 'x' }] } };
  assert.deepEqual(prune(obj, pod, resolve), ['spec.containers[0].kind']);
  assert.deepEqual(prune({ kind: 'x' }, container, resolve, false), ['kind']);
});

test('prune keeps a resource\'s metadata whole when the schema declares it only as an object', () => {
  const crd: Schema = { type: 'object', properties: { metadata: { type: 'object' }, spec: { type: 'object', properties: { a: { type: 'string' } } } } };
  const obj = { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'n', labels: { a: 'b' } }, spec: { a: 'x', b: 1 } };
  assert.deepEqual(prune(obj, crd), ['spec.b']);
  assert.deepEqual(obj.metadata, { name: 'n', labels: { a: 'b' } });
});

test('scanKeys finds duplicate keys at any depth, escaped keys and string values notwithstanding', async () => {
  const { scanKeys } = await import('./duplicates.js');
  const text = '{"a": "x\\"y", "b": {"c\\"d": 1, "c\\"d": 2, "e": [ {"f": "\\\\", "f": 3} ]}, "a": null}';
  assert.deepEqual(scanKeys(text).duplicates.map((d) => d.path), ['b.c"d', 'b.e[0].f', 'a']);
  assert.equal(scanKeys('{"k": 1}').duplicates.length, 0);
});
