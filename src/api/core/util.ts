/** Small typed accessors for the untyped parts of decoded objects (no `any`). */

/** A JSON object. */
export type Obj = Record<string, unknown>;

/** True if `v` is a plain JSON object. */
export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `o[key]` as an object, or undefined. */
export function getObj(o: Obj | undefined, key: string): Obj | undefined {
  const v = o?.[key];
  return isObj(v) ? v : undefined;
}

/** `o[key]` as an object, created (and stored) if absent; used by defaulting. */
export function ensureObj(o: Obj, key: string): Obj {
  const v = o[key];
  if (isObj(v)) return v;
  const fresh: Obj = {};
  o[key] = fresh;
  return fresh;
}

/** `o[key]` as a list of objects (non-objects dropped), or []. */
export function getList(o: Obj | undefined, key: string): Obj[] {
  const v = o?.[key];
  return Array.isArray(v) ? v.filter(isObj) : [];
}

/** `o[key]` as a string, or undefined. */
export function getStr(o: Obj | undefined, key: string): string | undefined {
  const v = o?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** `o[key]` as a number, or undefined. */
export function getNum(o: Obj | undefined, key: string): number | undefined {
  const v = o?.[key];
  return typeof v === 'number' ? v : undefined;
}

/** `o[key]` as a string map (non-string values dropped), or undefined. */
export function getStrMap(o: Obj | undefined, key: string): Record<string, string> | undefined {
  const v = o?.[key];
  if (!isObj(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** Sets `o[key] = value` when the key is absent (undefined or null). */
export function setDefault(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

/** Deep structural equality of JSON values (object key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

/** A field path child: `spec` + `containers` → `spec.containers`. */
export function child(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}
