import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { conformance } from '../conformance.js';
import { openSqliteStore } from './index.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-sqlite-'));
  dirs.push(dir);
  return dir;
};
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

conformance('sqlite', async () => {
  const path = join(tempDir(), 'state.db');
  let store = await openSqliteStore(path);
  return {
    store,
    async reopen() {
      await store.close();
      store = await openSqliteStore(path);
      return store;
    },
  };
});

void test('sqlite: a second store on the same file is refused', async () => {
  const path = join(tempDir(), 'sub', 'dir', 'state.db');
  const store = await openSqliteStore(path);
  try {
    await assert.rejects(openSqliteStore(path), /another server/);
  } finally {
    await store.close();
  }
});

void test('sqlite: SIGKILL loses no acknowledged write', { timeout: 120_000 }, async () => {
  const path = join(tempDir(), 'state.db');
  const script = fileURLToPath(new URL('./crash-writer.js', import.meta.url));
  const child = spawn(process.execPath, [script, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const acked = new Map<string, number>();
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => { resolve(signal); }));
  try {
    let buffered = '';
    for await (const chunk of child.stdout) {
      buffered += String(chunk);
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [key, rev] = line.split(' ');
        if (key && rev) acked.set(key, Number(rev));
      }
      if (acked.size >= 2000) break;
    }
  } finally {
    child.kill('SIGKILL');
  }
  assert.equal(await exited, 'SIGKILL');
  assert.ok(acked.size >= 2000, `writer printed ${acked.size} acknowledgements before exiting`);

  const store = await openSqliteStore(path);
  try {
    const found = new Map((await store.list('/crash/')).items.map((kv) => [kv.key, kv.modRevision]));
    for (const [key, rev] of acked) assert.equal(found.get(key), rev, `acknowledged ${key} at ${rev}`);
    const newest = Math.max(...acked.values());
    assert.ok((await store.currentRevision()) >= newest);
    assert.ok((await store.create('/crash/after', 'x')) > newest);
  } finally {
    await store.close();
  }
});
