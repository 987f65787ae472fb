import { ProtobufError } from './errors.js';
import { messageFields, type FieldSpec, type ValueType, type WellKnownType } from './schema.js';
import { asInt32, asInt64, readFields, readPackedVarints, type WireField } from './wire.js';

/** A JSON-shaped object decoded from a protobuf message. */
export type JSONObject = Record<string, unknown>;

const MAX_DEPTH = 64;
// metav1.Time's zero value (0001-01-01T00:00:00Z) in Unix seconds: JSON null.
const ZERO_TIME_SECONDS = -62135596800;

const malformed = (message: string) => new ProtobufError('Malformed', message);

// Own enumerable property even for keys such as "__proto__" (map keys come from the body).
function put(obj: JSONObject, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Format Unix seconds (+ nanos) as RFC 3339 in UTC with `digits` fraction digits (0 or 6). */
function rfc3339(seconds: number, nanos: number, digits: 0 | 6): string {
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  return digits === 0 ? `${iso}Z` : `${iso}.${pad(Math.floor(nanos / 1000), 6)}Z`;
}

function fraction(n: number, digits: number): string {
  const f = pad(n, digits).replace(/0+$/, '');
  return f ? `.${f}` : '';
}

/** Format nanoseconds as Go's time.Duration.String() does ("1h2m3.5s", "300ms", "0s"). */
export function formatDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  const u = Math.abs(ns);
  if (u < 1e3) return `${sign}${u}ns`;
  if (u < 1e6) return `${sign}${Math.floor(u / 1e3)}${fraction(u % 1e3, 3)}µs`;
  if (u < 1e9) return `${sign}${Math.floor(u / 1e6)}${fraction(u % 1e6, 6)}ms`;
  const h = Math.floor(u / 3.6e12);
  const m = Math.floor((u % 3.6e12) / 6e10);
  const s = Math.floor((u % 6e10) / 1e9);
  const head = h ? `${h}h${m}m` : m ? `${m}m` : '';
  return `${sign}${head}${s}${fraction(u % 1e9, 9)}s`;
}

function varintField(fields: readonly WireField[], num: number): bigint | undefined {
  let out: bigint | undefined;
  for (const f of fields) if (f.num === num && f.wire === 0) out = f.value;
  return out;
}

function bytesField(fields: readonly WireField[], num: number): Uint8Array | undefined {
  let out: Uint8Array | undefined;
  for (const f of fields) if (f.num === num && f.wire === 2) out = f.value;
  return out;
}

function parseRaw(raw: Uint8Array | undefined, what: string): unknown {
  if (!raw || raw.length === 0) return {};
  try {
    return JSON.parse(utf8(raw)) as unknown;
  } catch (err) {
    throw new ProtobufError('Malformed', `${what} does not hold JSON: ${(err as Error).message}`, { cause: err });
  }
}

/** Decode a well-known type's message into its JSON form; undefined means "emit nothing". */
function decodeWellKnown(type: WellKnownType, bytes: Uint8Array): unknown {
  // metav1.Time and MicroTime write their zero value as an empty message.
  if ((type === 'Time' || type === 'MicroTime') && bytes.length === 0) return undefined;
  const fields = readFields(bytes);
  switch (type) {
    case 'Time':
    case 'MicroTime': {
      const seconds = asInt64(varintField(fields, 1) ?? 0n);
      const nanos = asInt32(varintField(fields, 2) ?? 0n);
      if (seconds === ZERO_TIME_SECONDS && nanos === 0) return undefined;
      return rfc3339(seconds, nanos, type === 'Time' ? 0 : 6);
    }
    case 'Duration':
      return formatDuration(asInt64(varintField(fields, 1) ?? 0n));
    case 'IntOrString': {
      const kind = asInt64(varintField(fields, 1) ?? 0n);
      if (kind === 1) return utf8(bytesField(fields, 3) ?? new Uint8Array());
      return asInt32(varintField(fields, 2) ?? 0n);
    }
    case 'Quantity':
      return utf8(bytesField(fields, 1) ?? Buffer.from('0'));
    case 'RawExtension':
      return parseRaw(bytesField(fields, 1), 'a RawExtension');
    case 'FieldsV1':
      return parseRaw(bytesField(fields, 1), 'a FieldsV1');
  }
}

function wireName(wire: number): string {
  return ['varint', 'fixed64', 'length-delimited', '', '', 'fixed32'][wire] ?? String(wire);
}

/** Decode one value of `type` from a wire field (not a packed run). */
function decodeValue(type: ValueType, f: WireField, where: string, depth: number): unknown {
  const expect = (wire: number): void => {
    if (f.wire !== wire) throw malformed(`${where}: got a ${wireName(f.wire)} value, expected ${wireName(wire)}`);
  };
  if ('message' in type) {
    expect(2);
    return decodeMessage(type.message, f.value as Uint8Array, depth + 1);
  }
  if ('wellKnown' in type) {
    expect(2);
    return decodeWellKnown(type.wellKnown, f.value as Uint8Array);
  }
  switch (type.scalar) {
    case 'string':
      expect(2);
      return utf8(f.value as Uint8Array);
    case 'bytes':
      expect(2);
      return Buffer.from(f.value as Uint8Array).toString('base64');
    case 'bool':
      expect(0);
      return f.value !== 0n;
    case 'int32':
      expect(0);
      return asInt32(f.value as bigint);
    case 'int64':
      expect(0);
      return asInt64(f.value as bigint);
    case 'double': {
      expect(1);
      const b = f.value as Uint8Array;
      return new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true);
    }
  }
}

// A zero scalar (or IntOrString) that Go's JSON would omit; messages are never zero.
const isZero = (t: ValueType, v: unknown) => ('scalar' in t || ('wellKnown' in t && t.wellKnown === 'IntOrString')) && (v === '' || v === 0 || v === false);

const isVarintScalar = (t: ValueType) => 'scalar' in t && (t.scalar === 'bool' || t.scalar === 'int32' || t.scalar === 'int64');

function decodeMapEntry(spec: FieldSpec, f: WireField, where: string, depth: number): [string, unknown] {
  if (f.wire !== 2) throw malformed(`${where}: a map entry must be length-delimited`);
  const entry = readFields(f.value);
  const key = bytesField(entry, 1);
  const valueField = entry.filter((e) => e.num === 2).at(-1);
  const fallback: WireField = isVarintScalar(spec.type) ? { num: 2, wire: 0, value: 0n } : { num: 2, wire: 2, value: new Uint8Array() };
  return [key ? utf8(key) : '', decodeValue(spec.type, valueField ?? fallback, `${where}[]`, depth)];
}

/**
 * Decode the bytes of message `name` into its JSON shape, by the message's
 * table: absent fields are left out, present scalars kept even when zero,
 * unknown field numbers skipped. Throws a 'Malformed' ProtobufError.
 */
export function decodeMessage(name: string, bytes: Uint8Array, depth = 0): JSONObject {
  if (depth > MAX_DEPTH) throw malformed(`messages nested deeper than ${MAX_DEPTH}`);
  const fields = messageFields(name);
  if (!fields) throw malformed(`no table for message ${name}`);
  const out: JSONObject = {};
  for (const f of readFields(bytes)) {
    const spec = fields.get(f.num);
    if (!spec) continue;
    const where = `${name}.${spec.json} (field ${f.num})`;
    if (spec.inline) {
      Object.assign(out, decodeValue(spec.type, f, where, depth));
    } else if (spec.shape === 'map') {
      const [k, v] = decodeMapEntry(spec, f, where, depth);
      const map = (out[spec.json] ??= {}) as JSONObject;
      if (v !== undefined) put(map, k, v);
    } else if (spec.shape === 'repeated') {
      const list = (out[spec.json] ??= []) as unknown[];
      if (f.wire === 2 && isVarintScalar(spec.type)) {
        for (const v of readPackedVarints(f.value)) list.push(decodeValue(spec.type, { num: f.num, wire: 0, value: v }, where, depth));
      } else {
        const v = decodeValue(spec.type, f, where, depth);
        if (v !== undefined) list.push(v);
      }
    } else {
      const v = decodeValue(spec.type, f, where, depth);
      if (v !== undefined && (spec.keepZero || !isZero(spec.type, v))) put(out, spec.json, v);
    }
  }
  return out;
}
