import type { KubeObject } from '../../api/meta.js';
import { isCompacted } from '../../storage/errors.js';
import { badRequest, expired } from '../errors.js';
import type { ResourceDef } from '../../api/resource.js';
import { attrsOf, buildFilter, type ObjectFilter } from '../filter.js';
import { apiVersionOf, listPrefix } from '../registry.js';
import { toTable } from '../table.js';
import { identityCodec, type Codec } from '../codec.js';
import type { Call, Handler, HandlerContext } from './context.js';
import { includeOf } from './read.js';

/** One page of a list: objects with their JSON, the revision read at, and where to continue. */
interface Page {
  /** `object` is absent when the caller needs only JSON (no filter, no table). */
  readonly items: readonly { object?: KubeObject; json: string }[];
  readonly revision: number;
  readonly continue: string;
  readonly remaining: number | undefined;
}

const tooOldContinue =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/**
 * Upstream's continue token, base64 of `{"v":"meta.k8s.io/v1","rv":N,"start":"key"}`,
 * plus `"remaining"`: the items left after the page it follows (absent under a
 * selector). Every page of a walk reads at `rv`, so the next page's count is
 * this one minus its items: only the first page has the store count.
 */
export const encodeContinue = (rv: number, start: string, remaining?: number) =>
  Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start, remaining })).toString('base64url');

/** Where a page starts: the revision to read at (0: now); after a previous page, its end key and the items left after it if known. */
interface PageStart {
  readonly rv: number;
  readonly start?: string;
  readonly remaining?: number;
}

function decodeContinue(token: string, prefix: string): PageStart {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: string; rv?: number; start?: string; remaining?: unknown };
    if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string' || t.rv <= 0) throw new Error('bad token');
    const { remaining } = t;
    if (remaining === undefined) return { rv: t.rv, start: prefix + t.start };
    if (typeof remaining !== 'number' || !Number.isSafeInteger(remaining) || remaining < 0) throw new Error('bad token');
    return { rv: t.rv, start: prefix + t.start, remaining };
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

/**
 * Read a page from the store at a fixed revision, scanning on until `limit`
 * objects pass the filter. `from` is where a previous page ended; without a
 * filter its `remaining` (if known) saves a count: a filtered walk never counts
 * (upstream leaves remainingItemCount unset under a selector).
 */
async function storePage(ctx: HandlerContext, def: ResourceDef, codec: Codec, prefix: string, filter: ObjectFilter, limit: number, from: PageStart, jsonOnly: boolean): Promise<Page> {
  const items: { object?: KubeObject; json: string }[] = [];
  let startKey = from.start;
  let rev = from.rv;
  const count = !filter && from.remaining === undefined;
  for (;;) {
    const want = limit > 0 ? limit - items.length : 0;
    const res = await ctx.store.list(prefix, { limit: want, revision: rev, count, ...(startKey ? { startKey } : {}) });
    rev = res.revision;
    for (const kv of res.items) {
      if (jsonOnly) {
        items.push({ json: codec.decodeJSON(kv) });
        continue;
      }
      const d = codec.decode(kv);
      if (!filter || filter(attrsOf(def, d.object))) items.push(d);
    }
    const last = res.items[res.items.length - 1];
    if (!res.more || !last) return { items, revision: rev, continue: '', remaining: 0 };
    startKey = `${last.key}\x00`;
    if (items.length >= limit) {
      // Without a filter this loop reads once, so `res.items` is the whole page.
      const remaining = filter ? undefined : (res.remaining ?? Math.max(0, (from.remaining ?? 0) - res.items.length));
      return { items, revision: rev, continue: encodeContinue(rev, startKey.slice(prefix.length), remaining), remaining };
    }
  }
}

async function readPage(ctx: HandlerContext, call: Call, filter: ObjectFilter): Promise<Page> {
  const jsonOnly = !filter && !call.wantsTable;
  const q = call.query;
  const rv = q.get('resourceVersion') ?? '';
  const match = q.get('resourceVersionMatch') ?? '';
  const token = q.get('continue') ?? '';
  const limit = Number(q.get('limit') ?? '0');
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`invalid limit: ${q.get('limit') ?? ''}`);
  if (token && rv) throw badRequest('specifying resource version is not allowed when using continue');
  if (match && !rv) throw badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
  if (match && match !== 'Exact' && match !== 'NotOlderThan') throw badRequest(`resourceVersionMatch: unsupported value "${match}"`);
  if (rv && !/^\d+$/.test(rv)) throw badRequest(`resourceVersion: Invalid value: "${rv}": must be an integer`);
  const prefix = listPrefix(call.resource, call.info.namespace);
  if (rv === '0' && match !== 'Exact') {
    const cache = call.resource.cache;
    await cache.ready();
    const { codec } = call.resource;
    const entries = filter ? cache.list(prefix).filter((e) => filter(e.attrs)) : cache.list(prefix);
    const items = codec === identityCodec ? entries : entries.map((e) => codec.view(e));
    return { items, revision: cache.revision, continue: '', remaining: undefined };
  }
  try {
    const from: PageStart = token ? decodeContinue(token, prefix) : { rv: match === 'Exact' ? Number(rv) : 0 };
    return await storePage(ctx, call.resource.def, call.resource.codec, prefix, filter, limit, from, jsonOnly);
  } catch (err) {
    if (isCompacted(err)) throw expired(token ? tooOldContinue : `too old resource version: ${rv}`);
    throw err;
  }
}

/** GET a collection: from the cache for resourceVersion=0, else a consistent paged read from the store. */
export const list: Handler = async (ctx, call) => {
  const { def } = call.resource;
  const page = await readPage(ctx, call, buildFilter(def, call.query));
  const rv = String(page.revision);
  if (call.wantsTable) {
    const objects = page.items.map((i) => i.object).filter((o): o is KubeObject => o !== undefined);
    return { code: 200, body: toTable(def, objects, { now: ctx.now(), include: includeOf(call.query), resourceVersion: rv, continue: page.continue }) };
  }
  const meta: Record<string, unknown> = { resourceVersion: rv };
  if (page.continue) meta.continue = page.continue;
  if (page.continue && page.remaining !== undefined) meta.remainingItemCount = page.remaining;
  const head = JSON.stringify({ kind: def.listKind, apiVersion: apiVersionOf(def), metadata: meta });
  const body = `${head.slice(0, -1)},"items":[${page.items.map((i) => i.json).join(',')}]}`;
  return { code: 200, body, raw: true };
};
