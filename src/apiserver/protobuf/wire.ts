import { ProtobufError } from './errors.js';

/** A protobuf field: number and value (string, nested message, or varint). */
export type Field = readonly [number, string | Uint8Array | number | Field[]];

/** Wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32 (3/4, groups, are refused). */
export type WireType = 0 | 1 | 2 | 5;

/** One decoded field: its number, wire type, and value (a varint as bigint, else the raw bytes). */
export type WireField =
  | { readonly num: number; readonly wire: 0; readonly value: bigint }
  | { readonly num: number; readonly wire: 1 | 2 | 5; readonly value: Uint8Array };

const malformed = (message: string) => new ProtobufError('Malformed', message);

/**
 * Read a varint at `pos`; returns its unsigned 64-bit value and the position
 * after it. Throws a 'Malformed' ProtobufError when truncated or over 10 bytes.
 */
export function readVarint(buf: Uint8Array, pos: number): { value: bigint; next: number } {
  // Fast path: up to 7 bytes (49 bits) fits a double exactly.
  let n = 0;
  let scale = 1;
  for (let i = 0; i < 7; i++) {
    const b = buf[pos + i];
    if (b === undefined) throw malformed(`truncated varint at byte ${pos}`);
    n += (b & 0x7f) * scale;
    if (b < 0x80) return { value: BigInt(n), next: pos + i + 1 };
    scale *= 128;
  }
  let v = 0n;
  for (let i = 0; i < 10; i++) {
    const b = buf[pos + i];
    if (b === undefined) throw malformed(`truncated varint at byte ${pos}`);
    v |= BigInt(b & 0x7f) << BigInt(7 * i);
    if (b < 0x80) return { value: BigInt.asUintN(64, v), next: pos + i + 1 };
  }
  throw malformed(`varint longer than 10 bytes at byte ${pos}`);
}

/** A varint read as a signed 64-bit integer, as a JS number (exact up to 2^53). */
export const asInt64 = (v: bigint): number => Number(BigInt.asIntN(64, v));

/** A varint read as a signed 32-bit integer (protobuf int32 sign-extends to 10 bytes). */
export const asInt32 = (v: bigint): number => Number(BigInt.asIntN(32, v));

/**
 * Split a message into its fields in wire order. Unknown fields are the
 * caller's to skip; fixed32/64 come back as their raw 4 or 8 bytes.
 */
export function readFields(buf: Uint8Array): WireField[] {
  const out: WireField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const tag = readVarint(buf, pos);
    pos = tag.next;
    const num = Number(tag.value >> 3n);
    const wire = Number(tag.value & 7n);
    if (num < 1 || num > 0x1fffffff) throw malformed(`invalid field number ${num} at byte ${pos}`);
    if (wire === 0) {
      const v = readVarint(buf, pos);
      out.push({ num, wire: 0, value: v.value });
      pos = v.next;
      continue;
    }
    let len: number;
    if (wire === 1) len = 8;
    else if (wire === 5) len = 4;
    else if (wire === 2) {
      const l = readVarint(buf, pos);
      len = Number(l.value);
      pos = l.next;
    } else throw malformed(`unsupported wire type ${wire} for field ${num}`);
    if (pos + len > buf.length) throw malformed(`field ${num} needs ${len} bytes at byte ${pos} but the message ends at ${buf.length}`);
    out.push({ num, wire, value: buf.subarray(pos, pos + len) });
    pos += len;
  }
  return out;
}

/** Read a packed run of varints (a repeated scalar field in packed form). */
export function readPackedVarints(buf: Uint8Array): bigint[] {
  const out: bigint[] = [];
  for (let pos = 0; pos < buf.length; ) {
    const v = readVarint(buf, pos);
    out.push(v.value);
    pos = v.next;
  }
  return out;
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 127) {
    out.push((v & 127) | 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/**
 * Encode a message from its fields in wire format: strings, bytes and nested
 * messages length-delimited, numbers as varints. Enough for the few
 * protobuf documents the API server must serve (OpenAPI v2).
 */
export function encodeMessage(fields: readonly Field[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [num, value] of fields) {
    if (typeof value === 'number') {
      parts.push(Uint8Array.from([...varint(num << 3), ...varint(value)]));
      continue;
    }
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value instanceof Uint8Array ? value : encodeMessage(value);
    parts.push(Uint8Array.from([...varint((num << 3) | 2), ...varint(bytes.length)]), bytes);
  }
  return Buffer.concat(parts);
}
