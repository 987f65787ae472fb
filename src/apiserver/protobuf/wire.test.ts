import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isProtobufError } from './errors.js';
import { asInt32, asInt64, encodeMessage, readFields, readPackedVarints, readVarint } from './wire.js';

test('encodes strings, varints and nested messages in wire format', () => {
  // Known encodings from the protobuf docs: field 1 varint 150 = 08 96 01; field 2 string "testing".
  assert.deepEqual([...encodeMessage([[1, 150]])], [0x08, 0x96, 0x01]);
  assert.deepEqual([...encodeMessage([[2, 'testing']])], [0x12, 0x07, ...Buffer.from('testing')]);
  assert.deepEqual([...encodeMessage([[3, [[1, 150]]]])], [0x1a, 0x03, 0x08, 0x96, 0x01]);
  const long = 'x'.repeat(300);
  assert.deepEqual([...encodeMessage([[1, long]]).subarray(0, 3)], [0x0a, 0xac, 0x02]);
});

test('reads varints of one to ten bytes', () => {
  assert.deepEqual(readVarint(Uint8Array.from([0x96, 0x01]), 0), { value: 150n, next: 2 });
  assert.deepEqual(readVarint(Uint8Array.from([0x00]), 0), { value: 0n, next: 1 });
  // 2^53 + 1 needs 8 bytes: past the fast path, still exact as a bigint.
  const big = Uint8Array.from([0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]);
  assert.equal(readVarint(big, 0).value, 2n ** 53n + 1n);
  // -1 as int32/int64 is ten bytes of two's complement.
  const minusOne = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  const v = readVarint(minusOne, 0);
  assert.equal(v.next, 10);
  assert.equal(asInt32(v.value), -1);
  assert.equal(asInt64(v.value), -1);
  // -62135596800 (metav1.Time's zero) as int64.
  assert.equal(asInt64(BigInt.asUintN(64, -62135596800n)), -62135596800);
});

test('refuses truncated and over-long varints', () => {
  assert.throws(() => readVarint(Uint8Array.from([0x96]), 0), (e) => isProtobufError(e, 'Malformed'));
  assert.throws(() => readVarint(new Uint8Array(11).fill(0xff), 0), /longer than 10 bytes/);
});

test('splits a message into fields, keeping fixed32/64 as raw bytes', () => {
  const msg = Uint8Array.from([
    0x08, 0x96, 0x01, // 1: varint 150
    0x12, 0x02, 0x68, 0x69, // 2: "hi"
    0x19, 1, 2, 3, 4, 5, 6, 7, 8, // 3: fixed64
    0x25, 9, 9, 9, 9, // 4: fixed32
  ]);
  const fields = readFields(msg);
  assert.deepEqual(
    fields.map((f) => [f.num, f.wire]),
    [[1, 0], [2, 2], [3, 1], [4, 5]],
  );
  assert.equal(fields[0]!.value, 150n);
  assert.equal(Buffer.from(fields[1]!.value as Uint8Array).toString(), 'hi');
  assert.deepEqual([...(fields[2]!.value as Uint8Array)], [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual([...(fields[3]!.value as Uint8Array)], [9, 9, 9, 9]);
});

test('refuses a length past the end, a cut fixed64, groups and field 0', () => {
  const bad = (bytes: number[]) => () => readFields(Uint8Array.from(bytes));
  assert.throws(bad([0x12, 0x05, 0x68]), /needs 5 bytes/);
  assert.throws(bad([0x19, 1, 2]), /needs 8 bytes/);
  assert.throws(bad([0x0b]), /unsupported wire type 3/);
  assert.throws(bad([0x00, 0x00]), /invalid field number 0/);
});

test('reads packed varints', () => {
  assert.deepEqual(readPackedVarints(Uint8Array.from([0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05])), [3n, 270n, 86942n]);
});
