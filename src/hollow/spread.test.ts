import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Limiter, runSpread } from './spread.js';

void test('runSpread: once stopped, calls still waiting for the limiter are dropped, the one started finishes', async () => {
  const limiter = new Limiter(1);
  const stop = new AbortController();
  const started: number[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let finished = false;
  // One slot, so item 0 holds the limiter and items 1 and 2 wait behind it.
  const running = runSpread(3, 100, limiter, async (i) => {
    started.push(i);
    await gate;
    finished = true;
  }, stop.signal);
  assert.deepEqual(started, [0]);
  stop.abort();
  release();
  await running;
  assert.deepEqual(started, [0]);
  assert.ok(finished);
});
