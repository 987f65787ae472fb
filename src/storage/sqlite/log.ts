import type Database from 'better-sqlite3';
import { StorageError } from '../errors.js';
import { prefixEnd } from '../keys.js';
import type { KeyValue, WatchEvent } from '../store.js';
import type { Db } from './schema.js';

const KV = 'l.key AS key, l.value AS value, l.create_revision AS createRevision, l.revision AS modRevision';

interface LogRow {
  readonly revision: number;
  readonly key: string;
  readonly created: number;
  readonly deleted: number;
  readonly create_revision: number;
  readonly prev_revision: number;
  readonly value: string;
  readonly prev_value: string | null;
  readonly prev_create: number | null;
}

/** A key range `[start, end)` for SQL: `end` undefined means unbounded. */
interface Range {
  readonly start: string;
  readonly end: string | undefined;
}

/** Where a list reads: the live keys (`revision` undefined) or the log as of a revision. */
export interface ListQuery extends Range {
  readonly revision: number | undefined;
  readonly limit: number;
}

/**
 * The revision log on one SQLite connection: synchronous reads and the
 * compare-and-write steps of each verb, each producing the watch event it
 * causes. Callers run writes inside a transaction; this class keeps the
 * current revision in memory (it is the only writer).
 */
export class RevisionLog {
  readonly #db: Db;
  readonly #cache = new Map<string, Database.Statement>();
  #revision: number;

  /** Wrap an opened database. */
  constructor(db: Db) {
    this.#db = db;
    this.#revision = this.reloadRevision();
  }

  /** The revision of the latest write. */
  get revision(): number {
    return this.#revision;
  }

  /** Re-read the latest revision from the file (after a failed transaction). */
  reloadRevision(): number {
    const row = this.#sql("SELECT seq FROM sqlite_sequence WHERE name = 'log'").get() as { seq: number } | undefined;
    this.#revision = row?.seq ?? 0;
    return this.#revision;
  }

  /** A persisted setting (`compact_revision`, `compact_progress`), 0 if unset. */
  meta(name: string): number {
    const row = this.#sql('SELECT value FROM meta WHERE name = ?').get(name) as { value: number } | undefined;
    return row?.value ?? 0;
  }

  /** Persist a setting. */
  setMeta(name: string, value: number): void {
    this.#sql('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value').run(name, value);
  }

  /** The live value of `key`. */
  get(key: string): KeyValue | undefined {
    return this.#sql(`SELECT ${KV} FROM current c JOIN log l ON l.revision = c.revision WHERE c.key = ?`).get(key) as KeyValue | undefined;
  }

  /** Keys in the range, in key order, live or as of a revision; `limit` 0 means all. */
  list(q: ListQuery): KeyValue[] {
    const [where, args] = q.revision === undefined ? liveSource(q) : historySource(q, q.revision);
    // Order by the driving table's key so SQLite walks its index instead of sorting.
    const order = q.revision === undefined ? 'c.key' : 'l.key';
    const limit = q.limit > 0 ? ` LIMIT ${String(Math.floor(q.limit))}` : '';
    return this.#sql(`SELECT ${KV} FROM ${where} ORDER BY ${order}${limit}`).all(...args) as KeyValue[];
  }

  /** How many keys are in the range, live or as of a revision. */
  count(q: Range & { readonly revision: number | undefined }): number {
    const [where, args] = q.revision === undefined ? liveSource(q) : historySource(q, q.revision);
    return (this.#sql(`SELECT count(*) AS n FROM ${where}`).get(...args) as { n: number }).n;
  }

  /** Events for keys under `prefix` with revision in `[from, to]`, in revision order. */
  events(prefix: string, from: number, to: number): WatchEvent[] {
    const end = prefixEnd(prefix);
    const sql =
      'SELECT l.*, p.value AS prev_value, p.create_revision AS prev_create FROM log l ' +
      'LEFT JOIN log p ON p.revision = l.prev_revision ' +
      // `+l.key`: drive the scan by revision (recent history), never by the key index.
      `WHERE l.revision >= ? AND l.revision <= ? AND +l.key >= ?${end === undefined ? '' : ' AND +l.key < ?'} ORDER BY l.revision`;
    const args = end === undefined ? [from, to, prefix] : [from, to, prefix, end];
    return (this.#sql(sql).all(...args) as LogRow[]).map(toEvent);
  }

  /** Create `key`, or throw `AlreadyExists`. */
  create(key: string, value: string): WatchEvent {
    const cur = this.get(key);
    if (cur) throw new StorageError('AlreadyExists', key, cur.modRevision);
    const revision = this.#append(key, 1, 0, 0, 0, value);
    return { type: 'create', kv: { key, value, createRevision: revision, modRevision: revision } };
  }

  /** Replace `key` if its modRevision is `expected` (0: any), or throw `NotFound`/`Conflict`. */
  update(key: string, value: string, expected: number): WatchEvent {
    const prev = this.#expect(key, expected);
    const revision = this.#append(key, 0, 0, prev.createRevision, prev.modRevision, value);
    return { type: 'update', kv: { key, value, createRevision: prev.createRevision, modRevision: revision }, prev };
  }

  /** Delete `key` if its modRevision is `expected` (0: any), or throw `NotFound`/`Conflict`. */
  delete(key: string, expected: number): WatchEvent {
    const prev = this.#expect(key, expected);
    const revision = this.#append(key, 0, 1, prev.createRevision, prev.modRevision, prev.value);
    return { type: 'delete', kv: { ...prev, modRevision: revision }, prev };
  }

  /**
   * Delete the history made unreadable by compacting at `compactRevision`
   * that was written in `(from, to]`: rows superseded by a write in that
   * span, and tombstones in `[from, to)` older than `compactRevision`.
   */
  compactSpan(from: number, to: number, compactRevision: number): void {
    this.#sql('DELETE FROM log WHERE revision IN (SELECT prev_revision FROM log WHERE revision > ? AND revision <= ? AND prev_revision > 0)').run(from, to);
    this.#sql('DELETE FROM log WHERE revision >= ? AND revision < ? AND revision < ? AND deleted = 1').run(from, to, compactRevision);
  }

  #expect(key: string, expected: number): KeyValue {
    const cur = this.get(key);
    if (!cur) throw new StorageError('NotFound', key);
    if (expected !== 0 && cur.modRevision !== expected) throw new StorageError('Conflict', key, cur.modRevision);
    return cur;
  }

  #append(key: string, created: number, deleted: number, createRevision: number, prevRevision: number, value: string): number {
    const revision = this.#revision + 1;
    this.#sql('INSERT INTO log (revision, key, created, deleted, create_revision, prev_revision, value) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(revision, key, created, deleted, created ? revision : createRevision, prevRevision, value);
    if (deleted) this.#sql('DELETE FROM current WHERE key = ?').run(key);
    else this.#sql('INSERT INTO current (key, revision) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET revision = excluded.revision').run(key, revision);
    this.#revision = revision;
    return revision;
  }

  #sql(sql: string): Database.Statement {
    let stmt = this.#cache.get(sql);
    if (!stmt) {
      stmt = this.#db.prepare(sql);
      this.#cache.set(sql, stmt);
    }
    return stmt;
  }
}

/** FROM/WHERE over the live keys. */
function liveSource(r: Range): [string, unknown[]] {
  const bound = r.end === undefined ? '' : ' AND c.key < ?';
  const args = r.end === undefined ? [r.start] : [r.start, r.end];
  return [`current c JOIN log l ON l.revision = c.revision WHERE c.key >= ?${bound}`, args];
}

/** FROM/WHERE over the latest row of each key as of `revision`, tombstones excluded, walking the key index in order. */
function historySource(r: Range, revision: number): [string, unknown[]] {
  const bound = r.end === undefined ? '' : ' AND l.key < ?';
  const args = r.end === undefined ? [r.start, revision] : [r.start, r.end, revision];
  return [
    `log l WHERE l.key >= ?${bound} AND l.revision = (SELECT max(revision) FROM log WHERE key = l.key AND revision <= ?) AND l.deleted = 0`,
    args,
  ];
}

function toEvent(row: LogRow): WatchEvent {
  const kv: KeyValue = { key: row.key, value: row.value, createRevision: row.create_revision, modRevision: row.revision };
  const type = row.deleted ? 'delete' : row.created ? 'create' : 'update';
  if (row.prev_value === null || row.prev_create === null) return { type, kv };
  const prev: KeyValue = { key: row.key, value: row.prev_value, createRevision: row.prev_create, modRevision: row.prev_revision };
  return { type, kv, prev };
}
