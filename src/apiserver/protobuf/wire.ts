/** A protobuf field: number and value (string, nested message, or varint). */
export type Field = readonly [number, string | Uint8Array | number | Field[]];

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
