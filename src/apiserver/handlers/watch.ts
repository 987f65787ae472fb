import { toStatus, expired, badRequest } from '../errors.js';
import { buildFilter } from '../filter.js';
import { apiVersionOf, listPrefix } from '../registry.js';
import { toTable } from '../table.js';
import { CacheEvent, type Attrs } from '../watchcache.js';
import type { Encoded } from '../codec.js';
import type { Handler } from './context.js';
import { includeOf } from './read.js';

/** A watcher whose unsent output passes this many bytes is dropped, as upstream drops unresponsive watchers. */
const maxBuffered = 16 * 1024 * 1024;

/** The line of an event: made once per cache event while it is fanned out, and written to every watcher that gets it. */
function eventLine(e: Encoded, type: string): Buffer {
  const line = () => Buffer.from(`{"type":"${type}","object":${e.json}}\n`);
  return e instanceof CacheEvent ? (e.lines[type] ??= line()) : line();
}

/**
 * GET ?watch=true: a stream of JSON events, one per line, served from the
 * watch cache. resourceVersion "" or "0" starts with ADDED for every current
 * object; N resumes after N, or ends with a 410 Expired ERROR event when N is
 * older than the cache's window.
 */
export const watch: Handler = async (ctx, call) => {
  const { def, cache, codec } = call.resource;
  const q = call.query;
  const filter = buildFilter(def, q);
  const rvText = q.get('resourceVersion') ?? '';
  if (rvText && !/^\d+$/.test(rvText)) throw badRequest(`resourceVersion: Invalid value: "${rvText}": must be an integer`);
  const timeoutSec = Number(q.get('timeoutSeconds') ?? 1800 + Math.floor(Math.random() * 1800));
  const bookmarks = q.get('allowWatchBookmarks') === 'true';
  const sendInitial = q.get('sendInitialEvents') === 'true';
  const prefix = listPrefix(call.resource, call.info.namespace);
  const name = call.info.name || (q.get('fieldSelector')?.match(/^metadata\.name=([^,]+)$/)?.[1] ?? '');
  await cache.ready();

  const { res } = call;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  let headersSent = false;
  const render = (type: string, e: Encoded): string | Buffer => {
    if (!call.wantsTable) return eventLine(e, type);
    const table = toTable(def, [e.object], { now: ctx.now(), include: includeOf(q), noHeaders: headersSent });
    headersSent = true;
    return `{"type":"${type}","object":${JSON.stringify(table)}}\n`;
  };

  let lastRevision = 0;
  let closed = false;
  const timers: NodeJS.Timeout[] = [];
  const onAbort = () => finish();
  let stopCache = () => {};
  const finish = () => {
    if (closed) return;
    closed = true;
    stopCache();
    for (const t of timers) clearTimeout(t);
    ctx.signal.removeEventListener('abort', onAbort);
    res.end();
  };
  const send = (text: string | Buffer) => {
    if (closed) return;
    res.write(text);
    if (res.writableLength > maxBuffered) finish();
  };
  const matches = (a: Attrs | undefined, key: string) => a !== undefined && key.startsWith(prefix) && (!name || a.name === name) && (!filter || filter(a));
  const onEvent = (e: CacheEvent) => {
    lastRevision = e.revision;
    const now = matches(e.attrs, e.key);
    const before = e.type === 'MODIFIED' && matches(e.prevAttrs, e.key);
    if (!now && !before) return;
    const served = codec.view(e);
    if (e.type === 'DELETED') {
      if (now) send(render('DELETED', served));
    } else if (now) send(render(before ? 'MODIFIED' : 'ADDED', served));
    else if (before) send(render('DELETED', served));
  };
  const bookmark = (annotations?: Record<string, string>) => {
    const meta: Record<string, unknown> = { resourceVersion: String(Math.max(lastRevision, cache.revision)) };
    if (annotations) meta.annotations = annotations;
    const obj = { kind: def.kind, apiVersion: apiVersionOf(def), metadata: meta };
    send(`{"type":"BOOKMARK","object":${JSON.stringify(obj)}}\n`);
  };

  const initial = rvText === '' || rvText === '0' ? !q.has('sendInitialEvents') || sendInitial : sendInitial;
  let from = rvText === '' || rvText === '0' ? cache.revision : Number(rvText);
  if (initial) {
    from = cache.revision;
    for (const entry of cache.list(prefix)) if (matches(entry.attrs, entry.key)) send(render('ADDED', codec.view(entry)));
    lastRevision = from;
    if (sendInitial && bookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
  }
  try {
    const w = cache.watch(from, onEvent, finish);
    stopCache = () => {
      w.stop();
    };
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    send(`{"type":"ERROR","object":${JSON.stringify(toStatus(expired(err.message)))}}\n`);
    finish();
    return undefined;
  }
  lastRevision = Math.max(lastRevision, from);
  timers.push(setTimeout(finish, timeoutSec * 1000));
  if (bookmarks) timers.push(setInterval(bookmark, ctx.bookmarkIntervalMs));
  call.req.on('close', finish);
  res.on('close', finish);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  return undefined;
};
