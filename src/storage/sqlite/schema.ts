import Database from 'better-sqlite3';

/** A better-sqlite3 connection. */
export type Db = Database.Database;

/**
 * The revision log (one row per write, as kine's `kine` table), the current
 * revision of each live key, and persisted settings such as the compact
 * revision. AUTOINCREMENT keeps revisions strictly increasing even after the
 * newest row is compacted away.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS log (
  revision INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS log_key_revision ON log (key, revision);
CREATE TABLE IF NOT EXISTS current (
  key TEXT PRIMARY KEY,
  revision INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (name, value) VALUES ('schema_version', 1), ('compact_revision', 0);
`;

/**
 * Open (creating if needed) the SQLite file at `path` for this process's
 * single writer: WAL with `synchronous=FULL` (an acknowledged commit survives
 * a crash or power loss) and an exclusive lock, so a second server on the
 * same file fails at once instead of corrupting the revision sequence.
 */
export function openDatabase(path: string): Db {
  const db = new Database(path, { timeout: 1000 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('BEGIN EXCLUSIVE');
    db.exec(SCHEMA);
    db.exec('COMMIT');
    return db;
  } catch (err) {
    db.close();
    const busy = (err as { code?: unknown }).code === 'SQLITE_BUSY' ? ' (is another server using this file?)' : '';
    throw new Error(`cannot open SQLite datastore ${path}: ${(err as Error).message}${busy}`, { cause: err });
  }
}
