/**
 * The writer thread of the SQLite store (a `worker_threads` Worker): it owns
 * the only write connection and commits each batch the main thread sends in
 * one transaction (one fsync), so the main thread's event loop keeps serving
 * while SQLite commits, syncs and checkpoints. Replies come in request order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { StorageError } from '../errors.js';
import { RevisionLog } from './log.js';
import type { Op, OpResult, Reply, Request, WriterData } from './protocol.js';
import { openWriter, type Db } from './schema.js';

/** Revisions compacted per step, so one compaction step stays a short transaction. */
const COMPACT_SPAN = 1000;

/** Apply one op inside the batch's transaction; a storage error is its result, anything else aborts the batch. */
function apply(log: RevisionLog, op: Op): OpResult {
  try {
    switch (op.verb) {
      case 'create':
        return { kind: 'written', revision: log.create(op.key, op.value).kv.modRevision };
      case 'update': {
        const e = log.update(op.key, op.value, op.expected);
        return e.prev ? { kind: 'written', revision: e.kv.modRevision, prev: e.prev } : { kind: 'written', revision: e.kv.modRevision };
      }
      case 'delete': {
        const e = log.delete(op.key, op.expected);
        return e.prev ? { kind: 'written', revision: e.kv.modRevision, prev: e.prev } : { kind: 'written', revision: e.kv.modRevision };
      }
      case 'compact':
        return compactStep(log, op.revision);
    }
  } catch (err) {
    if (!(err instanceof StorageError)) throw err;
    return { kind: 'refused', code: err.code, key: err.key, revision: err.revision };
  }
}

/**
 * Raise the compact revision to `revision` if newer, then delete one span of
 * the history it made unreadable. Progress trails the compact revision, so an
 * interrupted compaction resumes on the next step.
 */
function compactStep(log: RevisionLog, revision: number): OpResult {
  if (revision > log.meta('compact_revision')) log.setMeta('compact_revision', revision);
  const target = log.meta('compact_revision');
  const from = log.meta('compact_progress');
  if (from >= target) return { kind: 'compacted', done: true };
  const to = Math.min(from + COMPACT_SPAN, target);
  log.compactSpan(from, to, target);
  log.setMeta('compact_progress', to);
  return { kind: 'compacted', done: to >= target };
}

function serve(db: Db, reply: (r: Reply) => void): (req: Request) => void {
  const log = new RevisionLog(db);
  const commit = db.transaction((ops: readonly Op[]) => ops.map((op) => apply(log, op)));
  reply({ type: 'ready', revision: log.revision });
  return (req) => {
    if (req.type === 'close') {
      db.close();
      reply({ type: 'closed' });
      return;
    }
    try {
      reply({ type: 'committed', results: commit(req.ops) });
    } catch (err) {
      log.reloadRevision();
      reply({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  };
}

const port = parentPort;
if (!port) throw new Error('writer.js runs as a worker thread of the SQLite store');
const reply = (r: Reply): void => { port.postMessage(r); };
try {
  const handle = serve(openWriter((workerData as WriterData).path), reply);
  port.on('message', handle);
} catch (err) {
  reply({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
}
