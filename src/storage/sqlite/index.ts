import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Store } from '../store.js';
import { openDatabase } from './schema.js';
import { SqliteStore } from './store.js';

/** Open the SQLite store in the file at `path`, creating the file and its directories if needed. */
export function openSqliteStore(path: string): Promise<Store> {
  try {
    mkdirSync(dirname(path), { recursive: true });
    return Promise.resolve(new SqliteStore(openDatabase(path)));
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
