import { APIError, badRequest, conflict } from '../errors.js';
import { checkNamespace, checkTypeMeta, prepareUpdate } from '../objects.js';
import { applyJSONPatch, decodeJSONPatch, PatchError } from '../patch/jsonpatch.js';
import { applyMergePatch } from '../patch/mergepatch.js';
import { applyStrategicPatch } from '../patch/strategic.js';
import { patchMetaOf } from '../../api/patchmeta.js';
import type { ResourceDef } from '../../api/resource.js';
import { asObject, readBody } from '../request.js';
import { checkFields, fieldValidationOf } from '../fieldvalidation.js';
import type { Handler } from './context.js';
import { readCurrent, targetOf } from './read.js';
import { commitUpdate } from './update.js';
import { serverSideApply } from './apply.js';
import { fromScale, scaleReply, toScale } from '../scale.js';

/**
 * Times a patch is re-applied to a newer object when a concurrent write wins.
 * Upstream retries until it lands; the bound only stops a pathological loop
 * (each round, one of the racing writers always wins).
 */
const attempts = 100;

/** The patch function for a body of the given content type (415 for the types not served yet). */
function patcher(contentType: string | undefined, body: string, def: ResourceDef): (current: unknown) => unknown {
  const type = (contentType ?? '').split(';')[0]?.trim();
  if (type === 'application/strategic-merge-patch+json') {
    const patch = parsePatch(body);
    const meta = patchMetaOf(def);
    return (current) => applyStrategicPatch(current, patch, meta);
  }
  if (type === 'application/json-patch+json') {
    const ops = decodeJSONPatch(body);
    return (current) => applyJSONPatch(current, ops);
  }
  if (type === 'application/merge-patch+json') {
    const patch = parsePatch(body);
    return (current) => applyMergePatch(current, patch);
  }
  throw new APIError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
}

function parsePatch(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
}

/**
 * PATCH an object (or its status) with a JSON Patch or a JSON Merge Patch:
 * applied to the current object, then written as an update. A
 * resourceVersion set by the patch is a precondition (409 if stale);
 * otherwise a concurrent write makes the patch apply again to the newer object.
 */
export const patch: Handler = async (ctx, call) => {
  const { def } = call.resource;
  let apply: (current: unknown) => unknown;
  const mode = fieldValidationOf(call.query);
  const type = call.req.headers['content-type'];
  const body = (await readBody(call.req)).toString('utf8');
  if (type?.startsWith('application/apply-patch') && call.info.subresource !== 'scale') return serverSideApply(ctx, call, body);
  // Duplicate keys are looked for in merge patches, whose keys are the object's.
  const json = type?.includes('merge-patch') ? body : undefined;
  try {
    apply = patcher(type, body, def);
  } catch (err) {
    if (err instanceof PatchError) throw badRequest(err.message);
    throw err;
  }
  for (let attempt = 1; ; attempt++) {
    const old = await readCurrent(ctx, call);
    const scale = call.info.subresource === 'scale';
    let patched;
    try {
      patched = asObject(apply(scale ? toScale(def, old.object) : old.object));
    } catch (err) {
      if (err instanceof PatchError) throw new APIError('Invalid', err.message);
      throw err;
    }
    const rv = patched.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== String(old.revision)) throw conflict(targetOf(call));
    const warnings = scale ? [] : checkFields(def, patched, mode, json, true);
    const obj = scale ? fromScale(def, patched, old.object) : patched;
    checkTypeMeta(def, obj);
    checkNamespace(def, obj, call.info.namespace);
    if (call.info.subresource !== 'status') def.defaults?.(obj);
    const next = prepareUpdate(def, obj, old.object, scale ? '' : call.info.subresource);
    try {
      const reply = await commitUpdate(ctx, call, next, old);
      return scale ? scaleReply(def, reply) : { ...reply, warnings };
    } catch (err) {
      if (!(err instanceof APIError && err.reason === 'Conflict') || attempt >= attempts) throw err;
    }
  }
};
