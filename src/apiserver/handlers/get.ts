import type { KubeObject } from '../../api/meta.js';
import { notFound } from '../errors.js';
import { toScale } from '../scale.js';
import { toTable } from '../table.js';
import type { Handler } from './context.js';
import { includeOf, keyOf, targetOf } from './read.js';

/** GET one object: from the watch cache for resourceVersion=0, else from the store. */
export const get: Handler = async (ctx, call) => {
  let found: { object: KubeObject; json: string };
  if (call.query.get('resourceVersion') === '0') {
    await call.resource.cache.ready();
    const hit = call.resource.cache.get(keyOf(call));
    if (!hit) throw notFound(targetOf(call));
    found = call.resource.codec.view(hit);
  } else {
    const kv = await ctx.store.get(keyOf(call));
    if (!kv) throw notFound(targetOf(call));
    const { codec } = call.resource;
    if (call.info.subresource === 'scale') return { code: 200, body: toScale(call.resource.def, codec.decode(kv).object) };
    if (!call.wantsTable) return { code: 200, body: codec.decodeJSON(kv), raw: true };
    found = codec.decode(kv);
  }
  if (call.wantsTable)
    return { code: 200, body: toTable(found.object.kind, [found.object], { now: ctx.now(), include: includeOf(call.query), resourceVersion: found.object.metadata.resourceVersion ?? '' }) };
  return { code: 200, body: found.json, raw: true };
};
