import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Store } from '../store.js';
import { Committer } from './committer.js';
import { lockDatastore, openReader, type Db } from './schema.js';
import { SqliteStore } from './store.js';

/**
 * Open the SQLite store in the file at `path`, creating the file and its
 * directories if needed: take the single-writer lock, open this thread's
 * read connection (creating the schema), then start the writer thread.
 */
export async function openSqliteStore(path: string): Promise<Store> {
  mkdirSync(dirname(path), { recursive: true });
  const opened: Db[] = [];
  try {
    const lock = lockDatastore(path);
    opened.push(lock);
    const reader = openReader(path);
    opened.push(reader);
    const box: { store?: SqliteStore } = {};
    const { committer, revision } = await Committer.start(path, (ops, results) => box.store?.committed(ops, results));
    return (box.store = new SqliteStore({ lock, reader, committer, revision }));
  } catch (err) {
    for (const db of opened.reverse()) db.close();
    throw err;
  }
}
