import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { openStore, type Store } from '../storage/index.js';
import { loadServiceAccountKey, SA_KEY_FILE } from './sakey.js';

let dir = '';
let store: Store;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skiff-sakey-'));
  store = await openStore('', { dataDir: join(dir, 'db') });
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

void test('every server of a datastore signs with one key: the first one\'s, copied into each data dir', async () => {
  const a = await loadServiceAccountKey(store, 'tok', join(dir, 'a'));
  const b = await loadServiceAccountKey(store, 'tok', join(dir, 'b'));
  assert.equal(b.kid, a.kid);
  assert.equal(await readFile(join(dir, 'b', SA_KEY_FILE), 'utf8'), await readFile(join(dir, 'a', SA_KEY_FILE), 'utf8'));
  const again = await loadServiceAccountKey(store, 'tok', join(dir, 'a'));
  assert.equal(again.kid, a.kid, 'a restart keeps the key');
});

void test('a data dir with a key of its own, on a fresh datastore, shares that key; a broken one is refused', async () => {
  const first = await loadServiceAccountKey(store, 'tok', join(dir, 'a'));
  const fresh = await openStore('', { dataDir: join(dir, 'db2') });
  try {
    const kept = await loadServiceAccountKey(fresh, 'tok', join(dir, 'a'));
    assert.equal(kept.kid, first.kid);
    const other = await openStore('', { dataDir: join(dir, 'db3') });
    try {
      await rm(join(dir, 'a', SA_KEY_FILE));
      await writeFile(join(dir, 'a', SA_KEY_FILE), 'garbage');
      await assert.rejects(loadServiceAccountKey(other, 'tok', join(dir, 'a')), (err: Error & { code?: string }) => err.code === 'Corrupt');
    } finally {
      await other.close();
    }
  } finally {
    await fresh.close();
  }
});
