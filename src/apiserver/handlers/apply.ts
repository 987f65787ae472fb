import { parse as parseYAML } from 'yaml';
import type { KubeObject } from '../../api/meta.js';
import { applyConfig } from '../apply/managed.js';
import { APIError, badRequest, conflict } from '../errors.js';
import { checkFields, fieldValidationOf } from '../fieldvalidation.js';
import { checkNamespace, checkTypeMeta, prepareUpdate } from '../objects.js';
import { asObject } from '../request.js';
import type { Call, HandlerContext, Reply } from './context.js';
import { createObject } from './create.js';
import { readCurrent, targetOf } from './read.js';
import { commitUpdate } from './update.js';

/** Rounds an apply is re-done on a newer object when a concurrent write wins (see patch.ts). */
const attempts = 100;

/** A storage conflict (retry on the newer object), not a field-manager conflict (the client's to resolve). */
const isRaceLost = (err: unknown) => err instanceof APIError && (err.reason === 'Conflict' || err.reason === 'AlreadyExists') && !err.details?.causes;

/**
 * Server-side apply (`application/apply-patch+yaml`): the configuration in
 * the body is merged into the object, or creates it, with ownership of its
 * fields recorded for `?fieldManager=` (required) and conflicts with other
 * managers answered 409 unless `?force=true`.
 */
export async function serverSideApply(ctx: HandlerContext, call: Call, body: string): Promise<Reply> {
  const { def } = call.resource;
  const manager = call.query.get('fieldManager') ?? '';
  if (!manager) throw new APIError('Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  const force = call.query.get('force') === 'true';
  let decoded: unknown;
  try {
    decoded = parseYAML(body);
  } catch (err) {
    throw badRequest(`error decoding YAML: ${(err as Error).message}`);
  }
  const config = asObject(decoded);
  const given = config as { apiVersion?: unknown; kind?: unknown };
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  if (!given.apiVersion || !given.kind) throw badRequest(`invalid object type: ${text(given.apiVersion)}, Kind=${text(given.kind)}`);
  checkTypeMeta(def, config);
  if (config.metadata.name !== undefined && config.metadata.name !== call.info.name)
    throw badRequest(`the name of the object (${config.metadata.name}) does not match the name on the URL (${call.info.name})`);
  config.metadata.name = call.info.name;
  checkNamespace(def, config, call.info.namespace);
  const mode = fieldValidationOf(call.query);
  const warnings = checkFields(def, config, mode === 'Strict' ? 'Warn' : mode, undefined, true);
  // Strict apply fails as upstream's typed patch does, naming each undeclared field.
  if (mode === 'Strict' && warnings.length) {
    const gvk = `${def.group}/${def.version}, Kind=${def.kind}`;
    const who = def.namespaced ? `${call.info.namespace}/${call.info.name}` : call.info.name;
    const paths = warnings.map((w) => `.${w.replace(/^unknown field "(.*)"$/, '$1')}: field not declared in schema`);
    throw badRequest(`failed to create typed patch object (${who}; ${gvk}): ${paths.join('\n')}`);
  }
  const sub = call.info.subresource;
  for (let attempt = 1; ; attempt++) {
    try {
      return { ...(await applyOnce(ctx, call, config, manager, force, sub)), warnings };
    } catch (err) {
      if (!isRaceLost(err) || attempt >= attempts) throw err;
    }
  }
}

async function applyOnce(ctx: HandlerContext, call: Call, config: KubeObject, manager: string, force: boolean, sub: string): Promise<Reply> {
  const { def } = call.resource;
  const old = await readCurrent(ctx, call).catch((err: unknown) => {
    if (err instanceof APIError && err.reason === 'NotFound' && !sub) return undefined;
    throw err;
  });
  if (!old) return createObject(ctx, call, applyConfig(def, undefined, structuredClone(config), manager, force, '', ctx.now()), true);
  const rv = config.metadata.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== String(old.revision)) throw conflict(targetOf(call));
  const merged = applyConfig(def, old.object, structuredClone(config), manager, force, sub, ctx.now());
  if (sub !== 'status') def.defaults?.(merged);
  return commitUpdate(ctx, call, prepareUpdate(def, merged, old.object, sub), old, true);
}
