import { isNotFound } from '../../storage/errors.js';
import { APIError } from '../errors.js';
import { apiVersionOf } from '../registry.js';
import type { Handler } from './context.js';
import { deleteOne, deleteOptions } from './delete.js';
import { list } from './list.js';

/** DELETE a collection: every object the selectors match, each deleted as by a single DELETE. */
export const deleteCollection: Handler = async (ctx, call) => {
  const { def } = call.resource;
  const opts = await deleteOptions(call);
  const listed = await list(ctx, { ...call, wantsTable: false });
  if (!listed) throw new APIError('InternalError', 'list failed');
  const items = (JSON.parse(listed.body as string) as { items: { metadata: { name: string; namespace?: string } }[] }).items;
  const deleted: unknown[] = [];
  for (const item of items) {
    const info = { ...call.info, name: item.metadata.name, namespace: item.metadata.namespace ?? call.info.namespace };
    try {
      const r = await deleteOne(ctx, { ...call, info }, opts);
      const body = (r.raw ? JSON.parse(r.body as string) : r.body) as { kind?: string };
      deleted.push(body.kind === 'Status' ? item : body);
    } catch (err) {
      if (!isNotFound(err) && !(err instanceof APIError && err.reason === 'NotFound')) throw err;
    }
  }
  return { code: 200, body: { kind: def.listKind, apiVersion: apiVersionOf(def), metadata: {}, items: deleted } };
};
