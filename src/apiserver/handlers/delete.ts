import { foregroundFinalizer, orphanFinalizer, type KubeObject } from '../../api/meta.js';
import { isConflict, isNotFound } from '../../storage/errors.js';
import { immortalNamespaces } from '../admission.js';
import { APIError, badRequest, conflict, notFound } from '../errors.js';
import { hooksFor } from '../hooks.js';
import { hasFinalizers, timestamp } from '../objects.js';
import { decodeBody, readBody } from '../request.js';
import type { Call, Handler, HandlerContext, Reply } from './context.js';
import { keyOf, readCurrent, targetOf } from './read.js';
import { writeUpdate } from './update.js';

/** metav1.DeleteOptions, from the body or the query. */
export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: string;
  /** Deprecated form of `propagationPolicy: Orphan` (older clients send it). */
  orphanDependents?: boolean;
  dryRun?: string[];
}

/** Read DeleteOptions from the request body (if any) and the query. */
export async function deleteOptions(call: Call): Promise<DeleteOptions> {
  const body = await readBody(call.req);
  const decoded = body.length ? decodeBody(body, call.req.headers['content-type']) : undefined;
  const opts: DeleteOptions = typeof decoded === 'object' && decoded !== null ? { ...(decoded as DeleteOptions) } : {};
  const grace = call.query.get('gracePeriodSeconds');
  if (grace !== null) opts.gracePeriodSeconds = Number(grace);
  const policy = call.query.get('propagationPolicy');
  if (policy !== null) opts.propagationPolicy = policy;
  if (call.query.get('dryRun') === 'All') opts.dryRun = ['All'];
  if (opts.gracePeriodSeconds !== undefined && (!Number.isInteger(opts.gracePeriodSeconds) || opts.gracePeriodSeconds < 0))
    opts.gracePeriodSeconds = 0;
  if (opts.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy))
    throw badRequest(`propagationPolicy: Unsupported value: "${opts.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`);
  if (opts.propagationPolicy && opts.orphanDependents !== undefined)
    throw badRequest('OrphanDependents and PropagationPolicy: Invalid value: "null": orphanDependents and deletionPropagation cannot be both set');
  return opts;
}

/**
 * The object's finalizers once the DELETE's propagation policy is applied,
 * as upstream's store does: Orphan and Foreground put their finalizer on
 * (and take the other off), Background takes both off; no policy keeps
 * what the object has. Undefined when nothing changes.
 */
function gcFinalizers(obj: KubeObject, opts: DeleteOptions): string[] | undefined {
  const policy = opts.propagationPolicy ?? (opts.orphanDependents === true ? 'Orphan' : opts.orphanDependents === false ? 'Background' : undefined);
  if (!policy) return undefined;
  const current = obj.metadata.finalizers ?? [];
  const rest = current.filter((f) => f !== orphanFinalizer && f !== foregroundFinalizer);
  const next = policy === 'Orphan' ? [...rest, orphanFinalizer] : policy === 'Foreground' ? [...rest, foregroundFinalizer] : rest;
  return next.length === current.length && next.every((f) => current.includes(f)) ? undefined : next;
}

/** The grace period a pod gets: the request's, else its spec's; 0 when it never ran on a node, as upstream. */
function podGrace(pod: KubeObject, opts: DeleteOptions): number {
  const spec = pod.spec as { nodeName?: string; terminationGracePeriodSeconds?: number } | undefined;
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  if (!spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  return opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
}

/**
 * Delete the object a call names (or `name`): mark it (graceful pods,
 * finalizers) or remove it. Answers as upstream: the object while it is
 * being deleted, a Success Status or the object once it is gone.
 */
export async function deleteOne(ctx: HandlerContext, call: Call, opts: DeleteOptions): Promise<Reply> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deleteOnce(ctx, call, opts);
    } catch (err) {
      // A write between our read and our delete (a controller's status update): delete the newer
      // object, as upstream retries. A failed precondition is the client's to resolve.
      const raced = err instanceof APIError && err.reason === 'Conflict' && !err.message.startsWith('Precondition failed');
      if (!raced || opts.preconditions?.resourceVersion || attempt >= 20) throw err;
    }
  }
}

async function deleteOnce(ctx: HandlerContext, call: Call, opts: DeleteOptions): Promise<Reply> {
  const { def } = call.resource;
  const target = targetOf(call);
  if (def.kind === 'Namespace' && immortalNamespaces.has(call.info.name))
    throw new APIError('Forbidden', `namespace ${call.info.name} is protected and may not be deleted`, { name: call.info.name, kind: 'namespaces' });
  const old = await readCurrent(ctx, call);
  const obj = old.object;
  const pre = opts.preconditions;
  if (pre?.uid && pre.uid !== obj.metadata.uid)
    throw new APIError('Conflict', `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid ?? ''}`, { name: target.name, kind: target.resource });
  if (pre?.resourceVersion && pre.resourceVersion !== String(old.revision))
    throw new APIError('Conflict', `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in meta: ${old.revision}`, { name: target.name, kind: target.resource });
  const grace = def.gracefulDelete ? podGrace(obj, opts) : 0;
  const finalizers = gcFinalizers(obj, opts);
  const marked = finalizers ? { ...obj, metadata: { ...obj.metadata, finalizers } } : obj;
  if (finalizers?.length === 0) delete marked.metadata.finalizers;
  if (grace > 0 || hasFinalizers(marked)) return markDeleted(ctx, call, old, marked, grace);
  if (opts.dryRun) return { code: 200, body: obj };
  try {
    const gone = await ctx.store.delete(keyOf(call), old.revision);
    await hooksFor(ctx.hooks, def)?.afterWrite(structuredClone(obj), undefined);
    obj.metadata.resourceVersion = String(gone.modRevision);
  } catch (err) {
    if (isNotFound(err)) throw notFound(target);
    if (isConflict(err)) throw conflict(target);
    throw err;
  }
  if (def.gracefulDelete) return { code: 200, body: obj };
  return {
    code: 200,
    body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: target.name, group: target.group, kind: target.resource, uid: obj.metadata.uid } },
  };
}

/**
 * Set deletionTimestamp (now + grace) on `marked` (the object with its
 * finalizers for this DELETE) and keep it until its finalizers and node let
 * go. A namespace turns Terminating: the namespace controller empties it.
 */
async function markDeleted(ctx: HandlerContext, call: Call, old: { object: KubeObject; revision: number }, marked: KubeObject, grace: number): Promise<Reply> {
  const next = structuredClone(marked);
  const m = next.metadata;
  const current = m.deletionGracePeriodSeconds;
  const sameFinalizers = JSON.stringify(m.finalizers ?? []) === JSON.stringify(old.object.metadata.finalizers ?? []);
  if (m.deletionTimestamp && (current === undefined || current <= grace) && sameFinalizers) return { code: 200, body: old.object };
  if (!m.deletionTimestamp || current === undefined || current > grace) {
    m.deletionTimestamp = timestamp(new Date(ctx.now().getTime() + grace * 1000));
    m.deletionGracePeriodSeconds = grace;
  }
  if (next.kind === 'Namespace') next.status = { ...(next.status as object | undefined), phase: 'Terminating' };
  return writeUpdate(ctx, call, next, old);
}

/** DELETE one object. */
export const del: Handler = async (ctx, call) => deleteOne(ctx, call, await deleteOptions(call));
