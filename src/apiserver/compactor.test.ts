import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../storage/index.js';
import { startCompactor } from './compactor.js';

test('the compactor discards history older than the previous tick, never the current value', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-compactor-'));
  const store = await openStore('', { dataDir: dir });
  const abort = new AbortController();
  try {
    let rev = 0;
    for (let i = 0; i < 5; i++) rev = await store.update('/k', `v${i}`, 0).catch(() => store.create('/k', `v${i}`));
    const errors: unknown[] = [];
    startCompactor({ store, intervalMs: 20, signal: abort.signal, onError: (e) => errors.push(e) });
    for (let i = 0; i < 100 && (await store.compactRevision()) < rev; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await store.compactRevision(), rev);
    assert.equal((await store.get('/k'))?.value, 'v4');
    assert.deepEqual(errors, []);
  } finally {
    abort.abort();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
