import type { KubeObject } from '../../api/meta.js';
import { isConflict, isNotFound } from '../../storage/errors.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { checkNamespace, checkTypeMeta, hasFinalizers, prepareUpdate, validate } from '../objects.js';
import { asObject, decodeBody, readBody } from '../request.js';
import { checkFields, fieldValidationOf, jsonText } from '../fieldvalidation.js';
import { hooksFor, noUndo } from '../hooks.js';
import { managerOf, trackUpdate } from '../apply/managed.js';
import { fromScale, scaleReply } from '../scale.js';
import type { Call, Handler, HandlerContext, Reply } from './context.js';
import { keyOf, readCurrent, targetOf } from './read.js';

/**
 * Write `next` over the object at `revision` (the one `old` was read at).
 * A no-op write is skipped, as upstream; an object marked for deletion whose
 * last finalizer is gone is deleted.
 */
export async function writeUpdate(ctx: HandlerContext, call: Call, next: KubeObject, old: { object: KubeObject; revision: number }): Promise<Reply> {
  const key = keyOf(call);
  const { codec } = call.resource;
  const value = codec.encode(next);
  if (value === codec.encode(old.object)) return { code: 200, body: old.object };
  if (call.query.get('dryRun') === 'All') return { code: 200, body: { ...next, metadata: { ...next.metadata, resourceVersion: String(old.revision) } } };
  const hooks = hooksFor(ctx.hooks, call.resource.def);
  try {
    const m = next.metadata;
    if (m.deletionTimestamp && !hasFinalizers(next) && !m.deletionGracePeriodSeconds) {
      const gone = await ctx.store.delete(key, old.revision);
      next.metadata.resourceVersion = String(gone.modRevision);
      await hooks?.afterWrite(old.object, undefined);
      return { code: 200, body: next };
    }
    const revision = await ctx.store.update(key, value, old.revision);
    await hooks?.afterWrite(old.object, next);
    return { code: 200, body: codec.decodeJSON({ key, value, createRevision: 0, modRevision: revision }), raw: true };
  } catch (err) {
    if (isConflict(err)) throw conflict(targetOf(call));
    if (isNotFound(err)) throw notFound(targetOf(call));
    throw err;
  }
}

/**
 * Run the kind's hooks on `next` (allocations carried over or claimed),
 * validate, and write; whatever the hooks claimed is released if the write
 * does not happen.
 */
export async function commitUpdate(ctx: HandlerContext, call: Call, next: KubeObject, old: { object: KubeObject; revision: number }, applied = false): Promise<Reply> {
  const { def } = call.resource;
  // An apply has set its managed fields already; every other write records what it changed.
  if (!applied) trackUpdate(def, old.object, next, managerOf(call.query, call.req.headers['user-agent']), call.info.subresource, ctx.now());
  const hooks = call.query.get('dryRun') === 'All' ? undefined : hooksFor(ctx.hooks, def);
  const undo = hooks ? await hooks.beforeWrite(next, old.object) : noUndo;
  try {
    validate(def, next, old.object);
    return await writeUpdate(ctx, call, next, old);
  } catch (err) {
    await undo();
    throw err;
  }
}

/** PUT an object's Scale: its replicas written through the object, answered as a Scale. */
async function updateScale(ctx: HandlerContext, call: Call): Promise<Reply> {
  const { def } = call.resource;
  const scale = asObject(decodeBody(await readBody(call.req), call.req.headers['content-type']));
  const old = await readCurrent(ctx, call);
  const rv = scale.metadata.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== String(old.revision)) throw conflict(targetOf(call));
  const next = prepareUpdate(def, fromScale(def, scale, old.object), old.object, '');
  return scaleReply(def, await commitUpdate(ctx, call, next, old));
}

/** PUT an object (or its status, or its scale): compare on resourceVersion, keep server-owned fields, validate, store. */
export const update: Handler = async (ctx, call) => {
  const { def } = call.resource;
  if (call.info.subresource === 'scale') return updateScale(ctx, call);
  const body = await readBody(call.req);
  const type = call.req.headers['content-type'];
  const obj = asObject(decodeBody(body, type));
  const warnings = checkFields(def, obj, fieldValidationOf(call.query), jsonText(body, type));
  checkTypeMeta(def, obj);
  checkNamespace(def, obj, call.info.namespace);
  if (obj.metadata.name !== call.info.name)
    throw badRequest(`the name of the object (${obj.metadata.name ?? ''}) does not match the name on the URL (${call.info.name})`);
  const old = await readCurrent(ctx, call);
  const rv = obj.metadata.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== String(old.revision)) throw conflict(targetOf(call));
  if (call.info.subresource !== 'status' && call.info.subresource !== 'finalize') def.defaults?.(obj);
  const next = prepareUpdate(def, obj, old.object, call.info.subresource);
  return { ...(await commitUpdate(ctx, call, next, old)), warnings };
};
