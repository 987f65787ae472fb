import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyJSONPatch, decodeJSONPatch, PatchError } from './jsonpatch.js';
import { applyMergePatch } from './mergepatch.js';

const doc = { a: { b: 1, 'x/y': 2, 'm~n': 3 }, list: [1, 2, 3] };
const patch = (ops: unknown[]) => applyJSONPatch(doc, decodeJSONPatch(JSON.stringify(ops)));

test('JSON Patch: the six operations, pointer escapes and array indices (RFC 6902/6901)', () => {
  assert.deepEqual(patch([{ op: 'add', path: '/a/c', value: 4 }]), { ...doc, a: { ...doc.a, c: 4 } });
  assert.deepEqual(patch([{ op: 'add', path: '/list/1', value: 9 }]), { ...doc, list: [1, 9, 2, 3] });
  assert.deepEqual(patch([{ op: 'add', path: '/list/-', value: 9 }]), { ...doc, list: [1, 2, 3, 9] });
  assert.deepEqual(patch([{ op: 'remove', path: '/a/x~1y' }]), { ...doc, a: { b: 1, 'm~n': 3 } });
  assert.deepEqual(patch([{ op: 'replace', path: '/a/m~0n', value: 0 }]), { ...doc, a: { ...doc.a, 'm~n': 0 } });
  assert.deepEqual(patch([{ op: 'move', from: '/a/b', path: '/c' }]), { a: { 'x/y': 2, 'm~n': 3 }, list: [1, 2, 3], c: 1 });
  assert.deepEqual(patch([{ op: 'copy', from: '/list', path: '/l2' }]), { ...doc, l2: [1, 2, 3] });
  assert.deepEqual(patch([{ op: 'test', path: '/a', value: { 'm~n': 3, b: 1, 'x/y': 2 } }]), doc);
  assert.deepEqual(doc.list, [1, 2, 3], 'the input is not modified');
});

test('JSON Patch: failures are PatchErrors, malformed documents too', () => {
  const fails = (ops: unknown[], code: 'Failed' | 'Malformed') =>
    assert.throws(() => patch(ops), (e: unknown) => e instanceof PatchError && e.code === code);
  fails([{ op: 'test', path: '/a/b', value: 2 }], 'Failed');
  fails([{ op: 'remove', path: '/nope' }], 'Failed');
  fails([{ op: 'replace', path: '/list/3', value: 1 }], 'Failed');
  fails([{ op: 'add', path: '/missing/deep', value: 1 }], 'Failed');
  fails([{ op: 'jump', path: '/a' }], 'Malformed');
  fails([{ op: 'add', path: '/a' }], 'Malformed');
  assert.throws(() => decodeJSONPatch('{"op":"add"}'), PatchError);
  assert.throws(() => decodeJSONPatch('[{'), PatchError);
});

test('JSON Merge Patch (RFC 7386 examples)', () => {
  assert.deepEqual(applyMergePatch({ a: 'b' }, { a: 'c' }), { a: 'c' });
  assert.deepEqual(applyMergePatch({ a: 'b' }, { b: 'c' }), { a: 'b', b: 'c' });
  assert.deepEqual(applyMergePatch({ a: 'b' }, { a: null }), {});
  assert.deepEqual(applyMergePatch({ a: [{ b: 'c' }] }, { a: [1] }), { a: [1] });
  assert.deepEqual(applyMergePatch({ e: null }, { a: 1 }), { e: null, a: 1 });
  assert.deepEqual(applyMergePatch({}, { a: { bb: { ccc: null } } }), { a: { bb: {} } });
  assert.deepEqual(applyMergePatch({ a: { x: 1, y: 2 } }, { a: { y: null, z: 3 } }), { a: { x: 1, z: 3 } });
});
