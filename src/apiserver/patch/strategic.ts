/**
 * Strategic merge patch, as upstream's apimachinery strategicpatch applies
 * it: maps merge key by key, lists merge by their merge key (or as sets of
 * primitives) where the field's metadata says so and are replaced otherwise,
 * and the directives `$patch` (replace, delete, merge), `$retainKeys`,
 * `$setElementOrder/FIELD` and `$deleteFromPrimitiveList/FIELD` are obeyed
 * and never stored.
 */
import type { FieldPatchMeta, PatchMeta } from '../../api/patchmeta.js';
import { PatchError } from './jsonpatch.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isDirective = (k: string) => k.startsWith('$');
const setOrder = '$setElementOrder/';
const deleteFrom = '$deleteFromPrimitiveList/';

/** A patch value with every directive removed, for fields that are copied as they are. */
function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((e) => !(isObj(e) && e.$patch === 'delete')).map(strip);
  if (!isObj(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => !isDirective(k)).map(([k, x]) => [k, strip(x)]));
}

/** Apply `patch` to `original` (neither is modified). */
export function applyStrategicPatch(original: unknown, patch: unknown, meta: PatchMeta): unknown {
  if (!isObj(patch)) throw new PatchError('Malformed', 'a strategic merge patch must be a JSON object');
  const out = mergeMap(isObj(original) ? original : {}, patch, meta);
  if (out === undefined) throw new PatchError('Failed', 'a strategic merge patch may not delete the whole object');
  return out;
}

function mergeMap(original: Obj, patch: Obj, meta: PatchMeta): Obj | undefined {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return strip(patch) as Obj;
  if (directive !== undefined && directive !== 'merge') throw new PatchError('Failed', `unknown patch type: ${JSON.stringify(directive)} in map: ${JSON.stringify(patch)}`);
  const out: Obj = { ...original };
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) for (const k of Object.keys(out)) if (!retain.includes(k)) Reflect.deleteProperty(out, k);
  for (const [k, v] of Object.entries(patch)) {
    if (isDirective(k)) continue;
    if (v === null) {
      Reflect.deleteProperty(out, k);
      continue;
    }
    const field = meta[k];
    const merged = mergeValue(out[k], v, field);
    if (merged === undefined) Reflect.deleteProperty(out, k);
    else out[k] = merged;
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith(deleteFrom) && Array.isArray(v)) {
      const list = out[k.slice(deleteFrom.length)];
      if (Array.isArray(list)) out[k.slice(deleteFrom.length)] = list.filter((x) => !v.includes(x));
    }
    if (k.startsWith(setOrder) && Array.isArray(v)) {
      const f = k.slice(setOrder.length);
      const list = out[f];
      if (Array.isArray(list)) out[f] = reorder(list, v, meta[f]?.key);
    }
  }
  return out;
}

function mergeValue(original: unknown, patch: unknown, field: FieldPatchMeta | undefined): unknown {
  if (isObj(patch)) return mergeMap(isObj(original) ? original : {}, patch, field?.fields ?? {});
  if (Array.isArray(patch) && field?.strategy?.includes('merge'))
    return field.key ? mergeKeyedList(Array.isArray(original) ? original : [], patch, field.key, field.fields ?? {}) : union(original, patch);
  return strip(patch);
}

/** Lists of objects merged by `key`: elements with `$patch: delete` go, a `$patch: replace` element replaces the list. */
function mergeKeyedList(original: readonly unknown[], patch: readonly unknown[], key: string, fields: PatchMeta): unknown[] {
  if (patch.some((e) => isObj(e) && e.$patch === 'replace')) return patch.filter((e) => !(isObj(e) && e.$patch === 'replace')).map(strip);
  const out = [...original];
  for (const el of patch) {
    if (!isObj(el)) throw new PatchError('Failed', `the list's elements must be objects with the merge key "${key}"`);
    const at = out.findIndex((o) => isObj(o) && o[key] === el[key]);
    if (el.$patch === 'delete') {
      if (at >= 0) out.splice(at, 1);
      continue;
    }
    const merged = mergeMap(at >= 0 ? (out[at] as Obj) : {}, el, fields);
    if (at >= 0) {
      if (merged === undefined) out.splice(at, 1);
      else out[at] = merged;
    } else if (merged !== undefined) out.push(merged);
  }
  return out;
}

/** Lists of primitives with strategy merge (finalizers): a set union, original order first. */
function union(original: unknown, patch: readonly unknown[]): unknown[] {
  const out = Array.isArray(original) ? [...(original as unknown[])] : [];
  for (const v of patch) if (!out.includes(v)) out.push(v);
  return out;
}

/** Order `list` as `order` says (by merge key, or by value); elements it does not name keep their order after. */
function reorder(list: readonly unknown[], order: readonly unknown[], key: string | undefined): unknown[] {
  const idOf = (e: unknown) => (key && isObj(e) ? e[key] : e);
  const rank = (e: unknown) => {
    const i = order.findIndex((o) => idOf(o) === idOf(e));
    return i < 0 ? order.length : i;
  };
  return list.map((e, i) => ({ e, i, r: rank(e) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.e);
}
