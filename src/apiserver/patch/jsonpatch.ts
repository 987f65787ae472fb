/** RFC 6902 JSON Patch and RFC 6901 JSON Pointer, applied to plain JSON values. */

/** A patch that cannot be decoded (400) or applied (422): `code` tells which. */
export class PatchError extends Error {
  readonly code: 'Malformed' | 'Failed';

  constructor(code: 'Malformed' | 'Failed', message: string) {
    super(message);
    this.name = 'PatchError';
    this.code = code;
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Container = Json[] | { [k: string]: Json };

/** One operation of a JSON Patch. */
interface Operation {
  readonly op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  readonly path: string;
  readonly from?: string;
  readonly value?: Json;
}

const ops = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** Decode a JSON Patch document; throws PatchError 'Malformed'. */
export function decodeJSONPatch(text: string): Operation[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new PatchError('Malformed', `error decoding patch: ${(err as Error).message}`);
  }
  if (!Array.isArray(doc)) throw new PatchError('Malformed', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  return doc.map((o: unknown, i) => {
    const op = o as Partial<Operation> | null;
    if (!op || typeof op !== 'object' || typeof op.op !== 'string' || !ops.has(op.op)) throw new PatchError('Malformed', `Unexpected kind: ${String(op?.op)} (operation ${i})`);
    if (typeof op.path !== 'string') throw new PatchError('Malformed', `operation ${i} has no path`);
    if ((op.op === 'move' || op.op === 'copy') && typeof op.from !== 'string') throw new PatchError('Malformed', `operation ${i} (${op.op}) has no from`);
    if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !('value' in op)) throw new PatchError('Malformed', `operation ${i} (${op.op}) has no value`);
    return op as Operation;
  });
}

/** The reference tokens of a JSON Pointer ('' is the whole document). */
function tokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError('Failed', `invalid JSON pointer: "${pointer}"`);
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function child(parent: Json, token: string, pointer: string): Json {
  if (Array.isArray(parent)) {
    const i = arrayIndex(parent, token, pointer, false);
    return parent[i] as Json;
  }
  if (parent && typeof parent === 'object' && Object.hasOwn(parent, token)) return parent[token] as Json;
  throw new PatchError('Failed', `doc is missing path: "${pointer}"`);
}

function arrayIndex(arr: Json[], token: string, pointer: string, forAdd: boolean): number {
  if (forAdd && token === '-') return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new PatchError('Failed', `invalid array index in "${pointer}"`);
  const i = Number(token);
  if (i > arr.length || (!forAdd && i === arr.length)) throw new PatchError('Failed', `array index out of bounds in "${pointer}"`);
  return i;
}

/** The container holding the pointer's target, and the last token. */
function locate(doc: Json, pointer: string): { parent: Container; key: string } {
  const t = tokens(pointer);
  const key = t.pop();
  if (key === undefined) throw new PatchError('Failed', 'the whole document cannot be the target of this operation');
  let parent = doc;
  for (const token of t) parent = child(parent, token, pointer);
  if (!parent || typeof parent !== 'object') throw new PatchError('Failed', `doc is missing path: "${pointer}"`);
  return { parent, key };
}

const get = (doc: Json, pointer: string): Json => tokens(pointer).reduce<Json>((v, t) => child(v, t, pointer), doc);

function add(doc: Json, pointer: string, value: Json): void {
  const { parent, key } = locate(doc, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, pointer, true), 0, value);
  else parent[key] = value;
}

function remove(doc: Json, pointer: string): Json {
  const { parent, key } = locate(doc, pointer);
  const old = child(parent, key, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, pointer, false), 1);
  else Reflect.deleteProperty(parent, key);
  return old;
}

const same = (a: Json, b: Json): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
const canonical = (v: Json): Json =>
  Array.isArray(v) ? v.map(canonical) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k] as Json)])) : v;

/** Apply `patch` to a copy of `doc`; throws PatchError 'Failed' as upstream's 422. */
export function applyJSONPatch(doc: unknown, patch: readonly Operation[]): unknown {
  let root = structuredClone(doc) as Json;
  for (const op of patch) {
    const value = structuredClone(op.value) as Json;
    if (op.path === '' && (op.op === 'add' || op.op === 'replace')) {
      root = value;
      continue;
    }
    switch (op.op) {
      case 'add':
        add(root, op.path, value);
        break;
      case 'remove':
        remove(root, op.path);
        break;
      case 'replace':
        remove(root, op.path);
        add(root, op.path, value);
        break;
      case 'move':
        add(root, op.path, remove(root, op.from ?? ''));
        break;
      case 'copy':
        add(root, op.path, structuredClone(get(root, op.from ?? '')));
        break;
      case 'test':
        if (!same(get(root, op.path), value)) throw new PatchError('Failed', `testing value ${op.path} failed: test failed`);
        break;
    }
  }
  return root;
}
