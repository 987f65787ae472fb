import type { KubeObject } from '../../api/meta.js';
import { notFound, type Target } from '../errors.js';
import { storageKey } from '../registry.js';
import type { Call, HandlerContext } from './context.js';

/** Who a call names, for Status messages. */
export const targetOf = (call: Call, name = call.info.name): Target => ({
  resource: call.info.resource,
  group: call.info.group,
  name,
});

/** The storage key of the object a call names. */
export const keyOf = (call: Call, name = call.info.name) => storageKey(call.resource, call.info.namespace, name);

/** The current object a call names, read from the store (404 if absent). */
export async function readCurrent(ctx: HandlerContext, call: Call): Promise<{ object: KubeObject; revision: number; json: string }> {
  const kv = await ctx.store.get(keyOf(call));
  if (!kv) throw notFound(targetOf(call));
  return { ...call.resource.codec.decode(kv), revision: kv.modRevision };
}

/** The `includeObject` of a Table request. */
export const includeOf = (query: URLSearchParams) => {
  const v = query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
};
