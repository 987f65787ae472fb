/**
 * Test helper process: opens the SQLite store at argv[2] and creates keys as
 * fast as it can from 4 concurrent writers, printing `KEY REVISION` for each
 * acknowledged write, until it is killed.
 */
import { openSqliteStore } from './index.js';

const path = process.argv[2];
if (!path) throw new Error('usage: crash-writer.js PATH');
const store = await openSqliteStore(path);

const writer = async (w: number): Promise<never> => {
  for (let i = 0; ; i++) {
    const key = `/crash/w${w}/${i}`;
    const revision = await store.create(key, `value ${i} of writer ${w}`);
    process.stdout.write(`${key} ${revision}\n`);
  }
};
await Promise.all([0, 1, 2, 3].map(writer));
