import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeMessage } from './wire.js';

test('encodes strings, varints and nested messages in wire format', () => {
  // Known encodings from the protobuf docs: field 1 varint 150 = 08 96 01; field 2 string "testing".
  assert.deepEqual([...encodeMessage([[1, 150]])], [0x08, 0x96, 0x01]);
  assert.deepEqual([...encodeMessage([[2, 'testing']])], [0x12, 0x07, ...Buffer.from('testing')]);
  assert.deepEqual([...encodeMessage([[3, [[1, 150]]]])], [0x1a, 0x03, 0x08, 0x96, 0x01]);
  const long = 'x'.repeat(300);
  assert.deepEqual([...encodeMessage([[1, long]]).subarray(0, 3)], [0x0a, 0xac, 0x02]);
});
