import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runWorkers, WorkQueue } from './workqueue.js';

test('a key waits in the queue once, however often it is added', async () => {
  const q = new WorkQueue();
  q.add('a');
  q.add('b');
  q.add('a');
  assert.equal(q.length, 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
});

test('a key added while it is processed comes back after done, not before', async () => {
  const q = new WorkQueue();
  q.add('a');
  const k = await q.get();
  q.add('a');
  assert.equal(q.length, 0);
  q.done(k ?? '');
  assert.equal(q.length, 1);
  assert.equal(await q.get(), 'a');
});

test('a waiting get receives the next key; shutdown releases waiters', async () => {
  const q = new WorkQueue();
  const waiting = q.get();
  q.add('x');
  assert.equal(await waiting, 'x');
  const more = q.get();
  q.shutdown();
  assert.equal(await more, undefined);
  q.add('y');
  assert.equal(await q.get(), undefined);
});

test('shutdown drops the keys still queued: workers finish the key in hand and stop', async () => {
  const q = new WorkQueue();
  const synced: string[] = [];
  let release = () => {};
  const inHand = new Promise<void>((resolve) => (release = resolve));
  for (const k of ['a', 'b', 'c', 'd']) q.add(k);
  const done = runWorkers(q, 1, async (k: string) => {
    synced.push(k);
    if (k === 'a') await inHand;
  });
  await new Promise((resolve) => setImmediate(resolve));
  q.shutdown();
  assert.equal(q.length, 0);
  release();
  await done;
  assert.deepEqual(synced, ['a']);
});

test('failures back off exponentially until forgotten', () => {
  const q = new WorkQueue(5);
  q.addRateLimited('a');
  q.addRateLimited('a');
  q.addRateLimited('a');
  assert.equal(q.requeues('a'), 3);
  q.forget('a');
  assert.equal(q.requeues('a'), 0);
  q.shutdown();
});

test('runWorkers retries a failing sync and stops at shutdown', async () => {
  const q = new WorkQueue(1);
  let calls = 0;
  const done = runWorkers(q, 2, (k: string) => {
    calls++;
    if (k === 'flaky' && calls < 3) return Promise.reject(new Error('not yet'));
    if (k === 'flaky') q.shutdown();
    return Promise.resolve();
  });
  q.add('flaky');
  await done;
  assert.equal(calls, 3);
});

test('addAfter keeps one timer per key, the earliest: repeated delayed adds do not pile up', async () => {
  const q = new WorkQueue<string>();
  q.addAfter('a', 40);
  q.addAfter('a', 5_000);
  q.addAfter('a', 20);
  const first = await q.get();
  assert.equal(first, 'a');
  q.done('a');
  // Only one delayed add was left: nothing else arrives.
  const next = await Promise.race([q.get(), new Promise((r) => setTimeout(() => r('none'), 150))]);
  assert.equal(next, 'none');
  q.shutdown();
});
