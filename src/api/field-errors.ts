/**
 * Constructors for FieldError as upstream's field.Invalid/Required/…, whose
 * `message` is upstream's ErrorBody (the text after `field: `), and the 422
 * message and Status that the API server sends for them.
 */
import type { FieldError, Status } from './meta.js';

/** Upstream's field.ErrorType values as they appear in Status causes. */
export type FieldErrorType =
  | 'FieldValueInvalid'
  | 'FieldValueRequired'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueForbidden'
  | 'FieldValueNotFound'
  | 'FieldValueTypeInvalid'
  | 'InternalError';

const typeText: Readonly<Record<FieldErrorType, string>> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueRequired: 'Required value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueForbidden: 'Forbidden',
  FieldValueNotFound: 'Not found',
  FieldValueTypeInvalid: 'Invalid value',
  InternalError: 'Internal error',
};

/** Quotes a string as Go's %q does (control characters escaped, printable Unicode kept). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** JSON with object keys sorted, as Go marshals maps. */
function goJSON(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const src = v as Record<string, unknown>;
      return Object.fromEntries(Object.keys(src).sort().map((k) => [k, src[k]]));
    }
    return v;
  });
}

/** Renders a bad value as upstream's ErrorBody does: strings quoted, numbers bare, the rest as JSON. */
export function renderValue(value: unknown): string {
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === undefined || value === null) return 'null';
  return goJSON(value);
}

function make(type: FieldErrorType, field: string, detail: string, value?: { v: unknown }): FieldError {
  let message = typeText[type];
  if (value !== undefined) message += `: ${renderValue(value.v)}`;
  if (detail.length > 0) message += `: ${detail}`;
  return { type, field, message };
}

/** field.Invalid: `Invalid value: "x": detail`. */
export function invalid(field: string, value: unknown, detail: string): FieldError {
  return make('FieldValueInvalid', field, detail, { v: value });
}

/** field.Required: `Required value[: detail]`. */
export function required(field: string, detail = ''): FieldError {
  return make('FieldValueRequired', field, detail);
}

/** field.NotSupported: `Unsupported value: "x": supported values: "a", "b"`. */
export function notSupported(field: string, value: unknown, supported: readonly string[]): FieldError {
  const detail = supported.length > 0 ? `supported values: ${supported.map(goQuote).join(', ')}` : '';
  return make('FieldValueNotSupported', field, detail, { v: value });
}

/** field.Duplicate: `Duplicate value: "x"[: detail]`. */
export function duplicate(field: string, value: unknown, detail = ''): FieldError {
  return make('FieldValueDuplicate', field, detail, { v: value });
}

/** field.Forbidden: `Forbidden: detail`. */
export function forbidden(field: string, detail: string): FieldError {
  return make('FieldValueForbidden', field, detail);
}

/** field.NotFound: `Not found: "x"`. */
export function notFound(field: string, value: unknown): FieldError {
  return make('FieldValueNotFound', field, '', { v: value });
}

/** field.TooLong: `Too long: may not be more than N bytes`. */
export function tooLong(field: string, maxBytes: number): FieldError {
  return make('FieldValueTooLong', field, `may not be more than ${maxBytes} ${maxBytes === 1 ? 'byte' : 'bytes'}`);
}

/** field.TooMany: `Too many: 4: must have at most 3 items`. */
export function tooMany(field: string, actual: number, max: number): FieldError {
  return make('FieldValueTooMany', field, `must have at most ${max} ${max === 1 ? 'item' : 'items'}`, { v: actual });
}

/** field.TypeInvalid: `Invalid value: "string": detail` (reason FieldValueTypeInvalid). */
export function typeInvalid(field: string, value: unknown, detail: string): FieldError {
  return make('FieldValueTypeInvalid', field, detail, { v: value });
}

/** field.Error.Error(): `field: message`. */
export function fieldErrorString(err: FieldError): string {
  return `${err.field}: ${err.message}`;
}

/** upstream's `Kind.group` for a kind, or the bare kind in the core group. */
function qualifiedKind(kind: string, group: string): string {
  return group === '' ? kind : `${kind}.${group}`;
}

/**
 * The 422 message upstream builds: `Pod "Foo" is invalid: metadata.name: …`;
 * several distinct errors are joined as `[err1, err2]`.
 */
export function statusMessageFor(kind: string, name: string, errors: readonly FieldError[], group = ''): string {
  const head = `${qualifiedKind(kind, group)} ${goQuote(name)} is invalid`;
  const msgs = [...new Set(errors.map(fieldErrorString))];
  if (msgs.length === 0) return head;
  return `${head}: ${msgs.length === 1 ? (msgs[0] ?? '') : `[${msgs.join(', ')}]`}`;
}

/** The whole 422 Invalid Status (as upstream's errors.NewInvalid) with one cause per error. */
export function invalidStatus(kind: string, name: string, errors: readonly FieldError[], group = ''): Status {
  return {
    apiVersion: 'v1',
    kind: 'Status',
    metadata: {},
    status: 'Failure',
    message: statusMessageFor(kind, name, errors, group),
    reason: 'Invalid',
    details: {
      ...(name === '' ? {} : { name }),
      ...(group === '' ? {} : { group }),
      kind,
      causes: errors.map((e) => ({ reason: e.type, message: e.message, field: e.field })),
    },
    code: 422,
  };
}
