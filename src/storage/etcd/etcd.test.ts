import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startEtcd, type EtcdProcess } from '../../../test/support/etcd.js';
import { conformance } from '../conformance.js';
import { collect } from '../conformance-watch.js';
import { StorageError } from '../errors.js';
import { openStore } from '../index.js';
import type { Store } from '../store.js';

let etcd: EtcdProcess | undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'skiff-etcd-store-'));
const endpoint = () => {
  if (!etcd) throw new Error('etcd not started');
  return etcd.endpoint;
};
before(async () => {
  etcd = await startEtcd();
});
after(async () => {
  await etcd?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

conformance('etcd', async () => {
  let store = await openStore(endpoint(), { dataDir });
  return {
    store,
    async reopen() {
      await store.close();
      store = await openStore(endpoint(), { dataDir });
      return store;
    },
  };
});

/** Retry `fn` while etcd is unavailable (restarting); any other error fails. */
async function retry<T>(fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof StorageError && err.code === 'Unavailable')) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

void test('etcd: an unreachable etcd is Unavailable', { timeout: 60_000 }, async () => {
  const store = await openStore('etcd://127.0.0.1:1', { dataDir });
  try {
    await assert.rejects(store.get('/x'), (err) => err instanceof StorageError && err.code === 'Unavailable');
  } finally {
    await store.close();
  }
});

void test('etcd: SIGKILL and restart of etcd loses no acknowledged write; watches resume', { timeout: 120_000 }, async () => {
  const own = await startEtcd();
  let restarted: EtcdProcess | undefined;
  const store: Store = await openStore(own.endpoint, { dataDir });
  try {
    const acked: number[] = [];
    for (let i = 0; i < 50; i++) acked.push(await store.create(`/kill/k${i}`, String(i)));
    const from = (acked.at(-1) ?? 0) + 1;
    const watched = collect(store, '/kill/', acked[0] ?? 1, (es) => es.some((e) => e.kv.key === '/kill/after'));
    await own.crash();
    await assert.rejects(store.get('/kill/k0'), (err) => err instanceof StorageError && err.code === 'Unavailable');
    restarted = await startEtcd({ dataDir: own.dataDir, port: own.port });
    const after = await retry(() => store.create('/kill/after', 'x'));
    assert.ok(after >= from);
    const items = (await retry(() => store.list('/kill/k'))).items;
    assert.deepEqual(items.map((kv) => kv.modRevision).sort((a, b) => a - b), acked);
    const events = await watched;
    assert.deepEqual(events.map((e) => e.kv.modRevision), [...acked, after]);
  } finally {
    await store.close();
    await restarted?.crash();
    await own.stop();
  }
});
