import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../meta.js';
import { base64Error } from './base64.js';
import { configMaps } from './configmap.js';
import { secrets } from './secret.js';

const obj = (kind: string, fields: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name: 'x', namespace: 'default' },
  ...fields,
});
const errs = (v: ((o: KubeObject, old?: KubeObject) => { field: string; message: string }[]) | undefined, o: KubeObject, old?: KubeObject): string[] =>
  (v?.(o, old) ?? []).map((e) => `${e.field}: ${e.message}`);

void test('base64 errors as Go reports them', () => {
  assert.equal(base64Error('aGVsbG8='), undefined);
  assert.equal(base64Error('aGVs\nbG8='), undefined);
  assert.equal(base64Error(''), undefined);
  assert.equal(base64Error('aGV*'), 'illegal base64 data at input byte 3');
  assert.equal(base64Error('abc'), 'illegal base64 data at input byte 0');
  assert.equal(base64Error('abcdabc'), 'illegal base64 data at input byte 4');
  assert.equal(base64Error('a==='), 'illegal base64 data at input byte 1');
  assert.equal(base64Error('ab=a'), 'illegal base64 data at input byte 3');
  assert.equal(base64Error('ab=='), undefined);
});

void test('secret defaults: type Opaque, stringData folded into data', () => {
  const s = obj('Secret', { data: { a: 'YQ==' }, stringData: { b: 'hi' } });
  secrets.defaults?.(s);
  assert.equal(s.type, 'Opaque');
  assert.deepEqual(s.data, { a: 'YQ==', b: 'aGk=' });
  assert.equal(s.stringData, undefined);
});

void test('secret validation: keys, base64, size, type rules, immutability', () => {
  assert.deepEqual(errs(secrets.validate, obj('Secret', { type: 'Opaque', data: { 'a/b': 'YQ==', c: 'Y' } })), [
    "data[a/b]: Invalid value: \"a/b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    'data[c]: Invalid value: "<secret contents redacted>": illegal base64 data at input byte 0',
  ]);
  const big = Buffer.alloc(1024 * 1024 + 1).toString('base64');
  assert.deepEqual(errs(secrets.validate, obj('Secret', { type: 'Opaque', data: { big } })), [
    'data: Too long: may not be more than 1048576 bytes',
  ]);
  assert.deepEqual(errs(secrets.validate, obj('Secret', { type: 'kubernetes.io/tls', data: {} })), [
    'data[tls.crt]: Required value',
    'data[tls.key]: Required value',
  ]);
  const old = obj('Secret', { type: 'Opaque', immutable: true, data: { a: 'YQ==' } });
  assert.deepEqual(errs(secrets.validate, obj('Secret', { type: 'kubernetes.io/tls', immutable: true, data: { a: 'Yg==', 'tls.crt': '', 'tls.key': '' } }), old), [
    'type: Invalid value: "kubernetes.io/tls": field is immutable',
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
});

void test('configmap validation: keys, duplicates with binaryData, 1 MiB', () => {
  assert.deepEqual(errs(configMaps.validate, obj('ConfigMap', { data: { ok: 'v', '..x': 'v' }, binaryData: { ok: 'YQ==' } })), [
    "data[..x]: Invalid value: \"..x\": must not start with '..'",
    'binaryData[ok]: Invalid value: "ok": duplicate of key present in data',
  ]);
  assert.deepEqual(errs(configMaps.validate, obj('ConfigMap', { data: { a: 'x'.repeat(1024 * 1024 + 1) } })), [
    '[]: Too long: may not be more than 1048576 bytes',
  ]);
});
