import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStore } from '../../src/storage/index.js';
import type { Store } from '../../src/storage/store.js';
import { phase, type Phase } from './stats.js';

/** One write of {@link storeCreates}. */
export interface Write {
  readonly key: string;
  readonly value: string;
}

async function createAll(store: Store, writes: readonly Write[], concurrency: number): Promise<Phase> {
  const latencies = new Float64Array(writes.length);
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const writer = async () => {
    for (let i = next++; i < writes.length; i = next++) {
      const w = writes[i];
      if (!w) return;
      const t0 = performance.now();
      try {
        await store.create(w.key, w.value);
      } catch (err) {
        errors++;
        firstError ??= String(err);
      }
      latencies[i] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, writer));
  return phase(writes.length, performance.now() - started, latencies, errors, firstError);
}

/**
 * The raw Store's side of the API/Store ratio: on a fresh store at
 * `endpoint` ('' = SQLite in a temp dir) opened with `openStore`,
 * `concurrency` async writers call `store.create`, first for `warmup`, then
 * for each trial's writes in turn, each trial measured on its own. The store
 * is closed and the temp dir removed in every outcome.
 */
export async function storeCreates(endpoint: string, warmup: readonly Write[], trials: readonly (readonly Write[])[], concurrency: number): Promise<Phase[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-bench-store-'));
  let store: Store | undefined;
  try {
    store = await openStore(endpoint, { dataDir });
    await createAll(store, warmup, concurrency);
    const phases: Phase[] = [];
    for (const writes of trials) phases.push(await createAll(store, writes, concurrency));
    return phases;
  } finally {
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
