import type { FieldError } from '../meta.js';
import { duplicate, goQuote, invalid, notSupported, required, tooLong, tooMany, typeInvalid } from '../field-errors.js';
import type { Resolve } from './prune.js';
import type { Schema } from './types.js';

/**
 * Validates a value against a schema as upstream's OpenAPI validator does
 * for custom resources (kube-openapi, its errors turned into field errors
 * by apiextensions-apiserver), with upstream's messages: `spec.replicas:
 * Invalid value: "string": spec.replicas in body must be of type integer:
 * "string"`. Also checks `x-kubernetes-list-type` set/map uniqueness and
 * that embedded resources carry apiVersion and kind.
 */
export function validateValue(value: unknown, schema: Schema, path = '', resolve: Resolve = () => undefined): FieldError[] {
  const errors: FieldError[] = [];
  walk(value, schema, path, resolve, errors);
  return errors;
}

type JSONType = 'null' | 'boolean' | 'string' | 'integer' | 'number' | 'array' | 'object';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The JSON type of a decoded value, as the validator names it (whole numbers are integers). */
function typeOf(v: unknown): JSONType {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return Array.isArray(v) ? 'array' : 'object';
}

/** kube-openapi's message: `PATH in body TEXT`. */
const body = (path: string, text: string) => (path ? `${path} in body ${text}` : `in body ${text}`);

/** Go's %v of a number (enough for the limits schemas use). */
const num = (n: number) => String(n);

/** Deep equality of decoded JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

function walk(value: unknown, schema: Schema | undefined, path: string, resolve: Resolve, errors: FieldError[]): void {
  let s = schema;
  for (let i = 0; s?.$ref !== undefined && i < 8; i++) s = resolve(s.$ref);
  if (!s) return;
  const t = typeOf(value);
  if (t === 'null') {
    if ((s.type || s['x-kubernetes-int-or-string']) && !s.nullable) {
      const want = s['x-kubernetes-int-or-string'] ? 'integer,string' : (s.type ?? '');
      errors.push(typeInvalid(path, 'null', body(path, `must be of type ${want}: "null"`)));
    }
    return;
  }
  if (!typeMatches(s, t, value, path, errors)) return;
  for (const sub of s.allOf ?? []) walk(value, sub, path, resolve, errors);
  if (s.anyOf && !s.anyOf.some((sub) => validateValue(value, sub, path, resolve).length === 0) && !intOrStringAnyOf(s))
    errors.push(invalid(path, '', body(path, 'should match at least one schema in anyOf')));
  if (s.oneOf) {
    const n = s.oneOf.filter((sub) => validateValue(value, sub, path, resolve).length === 0).length;
    if (n !== 1) errors.push(invalid(path, '', body(path, 'should match exactly one schema in oneOf')));
  }
  if (s.not && validateValue(value, s.not, path, resolve).length === 0) errors.push(invalid(path, '', body(path, 'must not validate the schema (not)')));
  if (typeof value === 'string') checkString(value, s, path, errors);
  if (s.enum && !s.enum.some((e) => jsonEqual(e, value)))
    errors.push(notSupported(path, value, s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))));
  if (Array.isArray(value)) checkArray(value, s, path, resolve, errors);
  if (typeof value === 'number') checkNumber(value, s, path, errors);
  if (isObject(value)) checkObject(value, s, path, resolve, errors);
}

/** `anyOf: [{type: integer}, {type: string}]`, the structural spelling of int-or-string. */
const intOrStringAnyOf = (s: Schema) =>
  s['x-kubernetes-int-or-string'] === true && s.anyOf?.length === 2 && s.anyOf.every((a) => a.type === 'integer' || a.type === 'string');

function typeMatches(s: Schema, t: JSONType, value: unknown, path: string, errors: FieldError[]): boolean {
  let allowed: readonly string[] | undefined;
  if (s['x-kubernetes-int-or-string']) allowed = ['integer', 'string'];
  else if (s.type) allowed = [s.type];
  if (!allowed) return true;
  // An integer is a number; a number with an integral value passes as an integer.
  const ok = allowed.includes(t) || (t === 'integer' && allowed.includes('number'));
  if (!ok) {
    errors.push(typeInvalid(path, t, body(path, `must be of type ${allowed.join(',')}: "${t}"`)));
    return false;
  }
  if (typeof value === 'string' && s.format && !checkFormat(s.format, value)) {
    errors.push(typeInvalid(path, value, body(path, `must be of type ${s.format}: ${goQuote(value)}`)));
    return false;
  }
  return true;
}

function checkString(v: string, s: Schema, path: string, errors: FieldError[]): void {
  // Lengths count code points, as upstream counts runes.
  let length = 0;
  for (const _ of v) length++;
  if (s.maxLength !== undefined && length > s.maxLength) errors.push(tooLong(path, s.maxLength));
  if (s.minLength !== undefined && length < s.minLength) errors.push(invalid(path, v, body(path, `should be at least ${s.minLength} chars long`)));
  if (s.pattern !== undefined && !patternOf(s.pattern).test(v)) errors.push(invalid(path, v, body(path, `should match '${s.pattern}'`)));
}

const patterns = new Map<string, RegExp>();
function patternOf(p: string): RegExp {
  let re = patterns.get(p);
  if (!re) patterns.set(p, (re = new RegExp(p, 'u')));
  return re;
}

function checkNumber(v: number, s: Schema, path: string, errors: FieldError[]): void {
  if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum))
    errors.push(invalid(path, v, body(path, `should be less than${s.exclusiveMaximum ? '' : ' or equal to'} ${num(s.maximum)}`)));
  if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum))
    errors.push(invalid(path, v, body(path, `should be greater than${s.exclusiveMinimum ? '' : ' or equal to'} ${num(s.minimum)}`)));
  if (s.multipleOf !== undefined && s.multipleOf > 0 && !Number.isInteger(v / s.multipleOf))
    errors.push(invalid(path, v, body(path, `should be a multiple of ${num(s.multipleOf)}`)));
}

function checkArray(v: unknown[], s: Schema, path: string, resolve: Resolve, errors: FieldError[]): void {
  if (s.maxItems !== undefined && v.length > s.maxItems) errors.push(tooMany(path, v.length, s.maxItems));
  if (s.minItems !== undefined && v.length < s.minItems) errors.push(invalid(path, v.length, body(path, `should have at least ${s.minItems} items`)));
  if (s.uniqueItems && v.some((x, i) => v.findIndex((y) => jsonEqual(x, y)) !== i)) errors.push(invalid(path, '', body(path, "shouldn't contain duplicates")));
  if (s.items) v.forEach((item, i) => walk(item, s.items, `${path}[${String(i)}]`, resolve, errors));
  checkListType(v, s, path, errors);
}

/** `x-kubernetes-list-type: set` items and `map` keys must be unique (upstream's listtype validation). */
function checkListType(v: unknown[], s: Schema, path: string, errors: FieldError[]): void {
  const type = s['x-kubernetes-list-type'];
  if (type === 'set') {
    v.forEach((x, i) => {
      if (v.findIndex((y) => jsonEqual(x, y)) !== i) errors.push(duplicate(`${path}[${String(i)}]`, x));
    });
  } else if (type === 'map') {
    const keys = s['x-kubernetes-list-map-keys'] ?? [];
    const keyOf = (x: unknown) => Object.fromEntries(keys.filter((k) => isObject(x) && x[k] !== undefined).map((k) => [k, (x as Record<string, unknown>)[k]]));
    const seen: Record<string, unknown>[] = [];
    v.forEach((x, i) => {
      const k = keyOf(x);
      if (seen.some((o) => jsonEqual(o, k))) errors.push(duplicate(`${path}[${String(i)}]`, k));
      else seen.push(k);
    });
  }
}

function checkObject(v: Record<string, unknown>, s: Schema, path: string, resolve: Resolve, errors: FieldError[]): void {
  const n = Object.keys(v).length;
  // kube-openapi reports the limit as the value of both property-count errors.
  if (s.maxProperties !== undefined && n > s.maxProperties) errors.push(tooMany(path, s.maxProperties, s.maxProperties));
  if (s.minProperties !== undefined && n < s.minProperties) errors.push(invalid(path, s.minProperties, body(path, `should have at least ${s.minProperties} properties`)));
  const child = (k: string) => (path ? `${path}.${k}` : k);
  for (const k of s.required ?? []) if (!Object.hasOwn(v, k)) errors.push(required(child(k)));
  for (const [k, val] of Object.entries(v)) {
    const declared = s.properties && Object.hasOwn(s.properties, k) ? s.properties[k] : undefined;
    if (declared) walk(val, declared, child(k), resolve, errors);
    else if (typeof s.additionalProperties === 'object') walk(val, s.additionalProperties, child(k), resolve, errors);
  }
  if (s['x-kubernetes-embedded-resource']) {
    if (typeof v.apiVersion !== 'string' || v.apiVersion === '') errors.push(required(child('apiVersion'), 'must not be empty'));
    if (typeof v.kind !== 'string' || v.kind === '') errors.push(required(child('kind'), 'must not be empty'));
  }
}

const uuid = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const formats: Readonly<Record<string, (v: string) => boolean>> = {
  date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)),
  'date-time': (v) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/.test(v) && !Number.isNaN(Date.parse(v.replace(' ', 'T'))),
  datetime: (v) => formats['date-time']?.(v) ?? true,
  duration: (v) => /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w))+$/.test(v.replace(/\s+/g, '')),
  byte: (v) => /^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0,
  uuid: (v) => uuid.test(v),
  uuid3: (v) => uuid.test(v),
  uuid4: (v) => uuid.test(v),
  uuid5: (v) => uuid.test(v),
  ipv4: (v) => ipv4.test(v),
  ipv6: (v) => v.includes(':') && /^[0-9a-fA-F:.]+$/.test(v),
  cidr: (v) => /^[0-9a-fA-F:.]+\/\d{1,3}$/.test(v),
  mac: (v) => /^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/.test(v),
  hostname: (v) => v.length <= 255 && /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\.?$/.test(v),
  email: (v) => /^[^\s@]+@[^\s@]+$/.test(v),
  uri: (v) => /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(v),
};

/** True if `v` has the string format (formats upstream does not check always pass). */
function checkFormat(format: string, v: string): boolean {
  const check = formats[format];
  return check ? check(v) : true;
}
