import { isAlreadyExists } from '../../storage/errors.js';
import { admitNamespace } from '../admission.js';
import { admitQuota } from '../quota.js';
import { admitServiceAccount } from '../serviceaccount-admission.js';
import { alreadyExists, APIError } from '../errors.js';
import { checkNamespace, checkTypeMeta, generateName, prepareCreate, validate } from '../objects.js';
import { asObject, decodeBody, readBody } from '../request.js';
import { checkFields, fieldValidationOf, jsonText } from '../fieldvalidation.js';
import type { KubeObject } from '../../api/meta.js';
import { hooksFor, noUndo } from '../hooks.js';
import { managerOf, trackUpdate } from '../apply/managed.js';
import type { Call, Handler, HandlerContext, Reply } from './context.js';
import { keyOf, targetOf } from './read.js';

/** Attempts at a fresh name for `generateName` before giving up, as upstream. */
const nameAttempts = 8;

/** POST to a collection: decode, admit, default, validate, store; 201 with the stored object. */
export const create: Handler = async (ctx, call) => {
  const { def } = call.resource;
  if (call.info.name) throw new APIError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
  const body = await readBody(call.req);
  const type = call.req.headers['content-type'];
  const obj = asObject(decodeBody(body, type));
  const warnings = checkFields(def, obj, fieldValidationOf(call.query), jsonText(body, type));
  return { ...(await createObject(ctx, call, obj)), warnings };
};

/**
 * Admit, default, validate and store a new object. Its creator owns every
 * field it set, unless `applied` (a server-side apply has set its managed
 * fields already).
 */
export async function createObject(ctx: HandlerContext, call: Call, obj: KubeObject, applied = false): Promise<Reply> {
  const { def } = call.resource;
  checkTypeMeta(def, obj);
  checkNamespace(def, obj, call.info.namespace);
  if (def.namespaced) await admitNamespace(ctx, call.info.namespace);
  const generate = !obj.metadata.name && obj.metadata.generateName !== undefined && obj.metadata.generateName !== '';
  if (generate) obj.metadata.name = generateName(obj.metadata.generateName ?? '');
  prepareCreate(def, obj, ctx.now());
  def.defaults?.(obj);
  if (def.group === '' && def.kind === 'Pod') await admitServiceAccount(ctx, call.info.namespace, obj);
  if (!applied) {
    delete obj.metadata.managedFields;
    trackUpdate(def, undefined, obj, managerOf(call.query, call.req.headers['user-agent']), '', ctx.now());
  }
  validate(def, obj);
  if (call.query.get('dryRun') === 'All') return { code: 201, body: obj };
  await admitQuota(ctx, def, obj);
  const hooks = hooksFor(ctx.hooks, def);
  const undo = hooks ? await hooks.beforeWrite(obj, undefined) : noUndo;
  try {
    return await write(ctx, call, obj, generate);
  } catch (err) {
    await undo();
    throw err;
  }
}

/** Store a new object; with generateName, retry on a name already taken. */
async function write(ctx: HandlerContext, call: Call, obj: KubeObject, generate: boolean): Promise<Reply> {
  for (let attempt = 1; ; attempt++) {
    const name = obj.metadata.name ?? '';
    try {
      const key = keyOf(call, name);
      const value = call.resource.codec.encode(obj);
      const revision = await ctx.store.create(key, value);
      // The answer is the stored JSON with its version: no second serialization.
      return { code: 201, body: call.resource.codec.decodeJSON({ key, value, createRevision: revision, modRevision: revision }), raw: true };
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      if (!generate || attempt >= nameAttempts) throw alreadyExists(targetOf(call, name));
      obj.metadata.name = generateName(obj.metadata.generateName ?? '');
    }
  }
}
