/**
 * Server-side field validation (`?fieldValidation=`): fields a kind's schema
 * does not declare are dropped, as upstream's typed decoding drops them,
 * and reported with duplicate JSON keys: as warnings (`Warn`, the default),
 * not at all (`Ignore`), or as a 400 (`Strict`, what kubectl sends).
 */
import type { KubeObject } from '../api/meta.js';
import type { ResourceDef } from '../api/resource.js';
import { prune, scanKeys, schemaOf } from '../api/schema/index.js';
import { badRequest } from './errors.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** The request's mode; upstream's default is `Warn`. */
export function fieldValidationOf(query: URLSearchParams): FieldValidation {
  const v = query.get('fieldValidation') ?? '';
  if (v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got "${v}"`);
}

/** True if `path` is `under` or inside it. */
const within = (path: string, under: string) => path === under || path.startsWith(`${under}.`) || path.startsWith(`${under}[`);

/**
 * Prune `obj` (a whole object from a create or update body, or the result of
 * a patch) and report per `mode`: returns the warnings, throws for Strict.
 * `json` is the request body when it was JSON, where duplicates are found.
 * A create or update reports in document order, with upstream's prefix; a
 * patch reports the patch's duplicates, then the unknown fields sorted.
 */
export function checkFields(def: ResourceDef, obj: KubeObject, mode: FieldValidation, json: string | undefined, isPatch = false): string[] {
  const s = schemaOf(def);
  const unknown = s ? prune(obj, s.schema, s.resolve) : [];
  if (mode === 'Ignore') return [];
  const scan = json === undefined ? undefined : scanKeys(json);
  const dups = (scan?.duplicates ?? []).filter((d) => !unknown.some((u) => within(d.path, u)));
  let found: string[];
  if (isPatch) found = [...dups.map((d) => `duplicate field "${d.path}"`), ...[...unknown].sort().map((u) => `unknown field "${u}"`)];
  else {
    const at = (u: string) => scan?.firstAt.get(u) ?? 0;
    found = [...dups.map((d) => ({ at: d.at, text: `duplicate field "${d.path}"` })), ...unknown.map((u) => ({ at: at(u), text: `unknown field "${u}"` }))]
      .sort((a, b) => a.at - b.at)
      .map((f) => f.text);
  }
  if (found.length === 0 || mode === 'Warn') return found;
  const prefix = isPatch ? '' : `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: `;
  throw badRequest(`${prefix}strict decoding error: ${found.join(', ')}`);
}

/** The JSON text of a body, when the content type says JSON (YAML and protobuf bodies are not scanned). */
export const jsonText = (body: Buffer, contentType: string | undefined): string | undefined => {
  const type = (contentType ?? 'application/json').split(';')[0]?.trim() ?? '';
  return type.endsWith('json') ? body.toString('utf8') : undefined;
};
