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

/** Open `path` with better-sqlite3, running `setup`; on failure close it and explain, naming a busy file. */
function open(path: string, setup: (db: Db) => void): Db {
  const db = new Database(path, { timeout: 1000 });
  try {
    setup(db);
    return db;
  } catch (err) {
    db.close();
    const busy = (err as { code?: unknown }).code === 'SQLITE_BUSY' ? ' (is another server using this file?)' : '';
    throw new Error(`cannot open SQLite datastore ${path}: ${(err as Error).message}${busy}`, { cause: err });
  }
}

/**
 * Take the datastore's single-writer lock: an exclusive lock, held until the
 * returned connection closes, on the small file `${path}.lock` beside the
 * data (the data file itself is shared by this process's reader and writer
 * connections). A second server on the same data fails here, at once.
 */
export function lockDatastore(path: string): Db {
  return open(`${path}.lock`, (db) => {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS lock (holder TEXT)');
    db.exec('COMMIT');
  });
}

/**
 * Open (creating if needed) the SQLite file at `path` for this process's
 * reads: WAL (readers see every committed transaction and never wait for the
 * writer), with the schema created; the connection refuses writes.
 */
export function openReader(path: string): Db {
  return open(path, (db) => {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('BEGIN IMMEDIATE');
    db.exec(SCHEMA);
    db.exec('COMMIT');
    db.pragma('query_only = ON');
  });
}

/**
 * Open the SQLite file at `path` (schema already created) for the single
 * writer: WAL with `synchronous=FULL`, so an acknowledged commit survives a
 * crash or power loss.
 */
export function openWriter(path: string): Db {
  return open(path, (db) => {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
  });
}
