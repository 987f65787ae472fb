import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openStore } from './index.js';

const dataDir = mkdtempSync(join(tmpdir(), 'skiff-open-'));
after(() => { rmSync(dataDir, { recursive: true, force: true }); });

void test('openStore: sqlite:// with no path (or no endpoint) is DATADIR/state.db', async () => {
  const dir = join(dataDir, 'nested', 'data');
  for (const endpoint of ['sqlite://', '']) {
    const store = await openStore(endpoint, { dataDir: dir });
    await store.close();
  }
  assert.ok(existsSync(join(dir, 'state.db')));
});

void test('openStore: sqlite:///ABSOLUTE/PATH creates its directories', async () => {
  const path = join(dataDir, 'x', 'y', 'my.db');
  const store = await openStore(`sqlite://${path}`, { dataDir });
  await store.create('/a', '1');
  await store.close();
  assert.ok(existsSync(path));
  await assert.rejects(openStore('sqlite://relative/state.db', { dataDir }), /absolute path/);
});

void test('openStore: an unknown scheme lists the supported ones', async () => {
  await assert.rejects(openStore('postgres://db:5432', { dataDir }), /supported schemes are sqlite:\/\/, etcd:\/\//);
  await assert.rejects(openStore('/just/a/path', { dataDir }), /supported schemes/);
  await assert.rejects(openStore('etcd://', { dataDir }), /at least one host/);
});
