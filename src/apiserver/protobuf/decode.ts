import { ProtobufError } from './errors.js';
import { decodeMessage, type JSONObject } from './message.js';
import { kinds } from './schema.js';
import { readFields, type WireField } from './wire.js';

export { ProtobufError, isProtobufError, type ProtobufErrorCode } from './errors.js';

/** The 4 bytes that start every Kubernetes protobuf body: "k8s" and a zero. */
export const PROTOBUF_MAGIC: Readonly<Uint8Array> = Uint8Array.from([0x6b, 0x38, 0x73, 0x00]);

function lastBytes(fields: readonly WireField[], num: number): Uint8Array | undefined {
  let out: Uint8Array | undefined;
  for (const f of fields) if (f.num === num && f.wire === 2) out = f.value;
  return out;
}

const text = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('utf8') : '');

/**
 * Decode a `application/vnd.kubernetes.protobuf` request body (magic, then a
 * runtime.Unknown envelope) into the JSON-shaped object it carries, with
 * `apiVersion` and `kind` set. Throws a ProtobufError: 'BadMagic' when the
 * body is not Kubernetes protobuf, 'UnknownKind' for a kind skiff has no
 * table for, 'Malformed' for bytes that do not parse.
 *
 * @example
 * const obj = decodeProtobufObject(body); // { apiVersion: 'v1', kind: 'ConfigMap', metadata: {...}, data: {...} }
 */
export function decodeProtobufObject(body: Uint8Array): Record<string, unknown> {
  if (body.length < 4 || PROTOBUF_MAGIC.some((b, i) => body[i] !== b))
    throw new ProtobufError('BadMagic', 'the body does not start with the Kubernetes protobuf prefix "k8s\\x00"');
  const envelope = readFields(body.subarray(4));
  const typeMeta = readFields(lastBytes(envelope, 1) ?? new Uint8Array());
  const apiVersion = text(lastBytes(typeMeta, 1));
  const kind = text(lastBytes(typeMeta, 2));
  const encoding = text(lastBytes(envelope, 3));
  const contentType = text(lastBytes(envelope, 4));
  if (encoding !== '') throw new ProtobufError('Malformed', `unsupported protobuf content encoding "${encoding}"`);
  if (contentType !== '' && !contentType.includes('protobuf'))
    throw new ProtobufError('Malformed', `unsupported content type "${contentType}" inside a protobuf envelope`);
  if (!kind) throw new ProtobufError('Malformed', 'the protobuf envelope has no kind');
  const message = kinds[`${apiVersion}/${kind}`];
  if (!message) throw new ProtobufError('UnknownKind', `no protobuf decoding for ${apiVersion || '(no apiVersion)'}, Kind=${kind}`);
  const obj: JSONObject = decodeMessage(message, lastBytes(envelope, 2) ?? new Uint8Array());
  return { apiVersion, kind, ...obj };
}
