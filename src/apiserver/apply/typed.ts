/**
 * Values read through their schema, as server-side apply needs them: the
 * field set of a value, the merge of an applied configuration into a live
 * object, and the removal of a path. Structs and maps are granular; lists
 * are maps by key (`x-kubernetes-list-type: map`), sets, or atomic (the
 * default); a schema-less value is a granular map with atomic lists.
 */
import type { Resolve, Schema } from '../../api/schema/index.js';
import { FieldSet } from './fieldset.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);


export function deref(s: Schema | undefined, resolve: Resolve): Schema | undefined {
  let out = s;
  for (let i = 0; out?.$ref !== undefined && i < 8; i++) out = resolve(out.$ref);
  return out;
}

type Kind = 'struct' | 'map' | 'atomic' | 'mapList' | 'setList' | 'scalar';

function kindOf(s: Schema | undefined, v: unknown): Kind {
  if (Array.isArray(v)) {
    const t = s?.['x-kubernetes-list-type'];
    if (t === 'map' && s?.['x-kubernetes-list-map-keys']?.length) return 'mapList';
    return t === 'set' ? 'setList' : 'atomic';
  }
  if (!isObj(v)) return 'scalar';
  if (s?.['x-kubernetes-map-type'] === 'atomic') return 'atomic';
  if (s?.properties) return 'struct';
  return 'map';
}

/** The schema of field `k` of an object schema. */
function fieldSchema(s: Schema | undefined, k: string, resolve: Resolve): Schema | undefined {
  if (!s) return undefined;
  if (s.properties && Object.hasOwn(s.properties, k)) return deref(s.properties[k], resolve);
  return typeof s.additionalProperties === 'object' ? deref(s.additionalProperties, resolve) : undefined;
}

/** The path element of a list element: `k:{...}` by its map keys, `v:...` for a set. */
function elementKey(s: Schema | undefined, kind: Kind, e: unknown, i: number, resolve: Resolve): string {
  if (kind === 'setList') return `v:${JSON.stringify(e)}`;
  if (kind === 'mapList' && isObj(e)) {
    const keys: Obj = {};
    // A key field left out takes its default (a port's protocol is TCP), as upstream's structured merge does.
    const props = deref(s?.items, resolve)?.properties;
    for (const k of [...(s?.['x-kubernetes-list-map-keys'] ?? [])].sort()) {
      const v = e[k] ?? props?.[k]?.default;
      if (v !== undefined) keys[k] = v;
    }
    return `k:${JSON.stringify(keys)}`;
  }
  return `i:${String(i)}`;
}

/**
 * The field set of a value. `all` puts every node in the set (what an
 * update touched); otherwise only leaves, empty objects and list elements
 * (what an applied configuration owns).
 */
export function fieldSetOf(v: unknown, schema: Schema | undefined, resolve: Resolve, all: boolean): FieldSet {
  const set = new FieldSet();
  walk(v, deref(schema, resolve), resolve, all, set);
  return set;
}

function walk(v: unknown, s: Schema | undefined, resolve: Resolve, all: boolean, into: FieldSet): void {
  const kind = kindOf(s, v);
  if (kind === 'struct' || kind === 'map') {
    for (const [k, x] of Object.entries(v as Obj)) {
      const c = into.child(`f:${k}`);
      const cs = fieldSchema(s, k, resolve);
      const ck = kindOf(cs, x);
      const leaf = ck === 'scalar' || ck === 'atomic' || (isObj(x) && Object.keys(x).length === 0) || (Array.isArray(x) && x.length === 0);
      c.member = all || leaf;
      if (!leaf) walk(x, cs, resolve, all, c);
    }
  } else if (kind === 'mapList' || kind === 'setList') {
    const items = deref(s?.items, resolve);
    (v as unknown[]).forEach((e, i) => {
      const c = into.child(elementKey(s, kind, e, i, resolve));
      c.member = true;
      if (kind === 'mapList') walk(e, items, resolve, all, c);
    });
  }
}

/** The value at a path of a value, or undefined. */
export function valueAt(v: unknown, path: readonly string[], schema: Schema | undefined, resolve: Resolve): unknown {
  let cur = v;
  let s = deref(schema, resolve);
  for (const e of path) {
    if (e.startsWith('f:')) {
      if (!isObj(cur)) return undefined;
      s = fieldSchema(s, e.slice(2), resolve);
      cur = cur[e.slice(2)];
    } else {
      if (!Array.isArray(cur)) return undefined;
      const kind = kindOf(s, cur);
      const list: unknown[] = cur;
      const i = list.findIndex((x, n) => elementKey(s, kind, x, n, resolve) === e);
      s = deref(s?.items, resolve);
      cur = i < 0 ? undefined : list[i];
    }
  }
  return cur;
}

/** `config` applied over `live`: fields in the configuration win, lists merge as their type says. */
export function merge(live: unknown, config: unknown, schema: Schema | undefined, resolve: Resolve): unknown {
  const s = deref(schema, resolve);
  const kind = kindOf(s, config);
  if ((kind === 'struct' || kind === 'map') && isObj(live)) {
    const out: Obj = { ...live };
    for (const [k, x] of Object.entries(config as Obj)) out[k] = x === null ? null : merge(live[k], x, fieldSchema(s, k, resolve), resolve);
    return out;
  }
  if ((kind === 'mapList' || kind === 'setList') && Array.isArray(live)) {
    const items = deref(s?.items, resolve);
    const out: unknown[] = [...(live as unknown[])];
    const keys = out.map((e, i) => elementKey(s, kind, e, i, resolve));
    (config as unknown[]).forEach((e, i) => {
      const k = elementKey(s, kind, e, i, resolve);
      const at = keys.indexOf(k);
      if (at < 0) {
        out.push(e);
        keys.push(k);
      } else if (kind === 'mapList') out[at] = merge(out[at], e, items, resolve);
    });
    return out;
  }
  return config;
}

/** Removes the value at `path` from `v` in place; parents left empty stay (as upstream). */
export function removePath(v: unknown, path: readonly string[], schema: Schema | undefined, resolve: Resolve): void {
  let cur = v;
  let s = deref(schema, resolve);
  for (let n = 0; n < path.length; n++) {
    const e = path[n] ?? '';
    const last = n === path.length - 1;
    if (e.startsWith('f:')) {
      if (!isObj(cur)) return;
      const k = e.slice(2);
      if (last) {
        Reflect.deleteProperty(cur, k);
        return;
      }
      s = fieldSchema(s, k, resolve);
      cur = cur[k];
    } else {
      if (!Array.isArray(cur)) return;
      const kind = kindOf(s, cur);
      const list: unknown[] = cur;
      const i = list.findIndex((x, m) => elementKey(s, kind, x, m, resolve) === e);
      if (i < 0) return;
      if (last) {
        list.splice(i, 1);
        return;
      }
      s = deref(s?.items, resolve);
      cur = list[i];
    }
  }
}
