import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SubjectFactory } from './conformance.js';
import { withSubject } from './conformance.js';
import { isCompacted } from './errors.js';
import type { Store, WatchEvent } from './store.js';

/** Registers one test on a fresh store whose keys live under `prefix`. */
type Run = (name: string, body: (store: Store, prefix: string) => Promise<void>) => void;

/** Watch `prefix` from `fromRevision` until `done` says so; then stop the watch. */
export async function collect(store: Store, prefix: string, fromRevision: number, done: (events: readonly WatchEvent[]) => boolean): Promise<WatchEvent[]> {
  const ac = new AbortController();
  const events: WatchEvent[] = [];
  try {
    for await (const batch of store.watch(prefix, { fromRevision, signal: ac.signal })) {
      assert.ok(batch.length > 0, 'batches are never empty');
      events.push(...batch);
      if (done(events)) break;
    }
  } finally {
    ac.abort();
  }
  return events;
}

/** Until the event for `key` arrives. */
const until = (key: string) => (events: readonly WatchEvent[]) => events.some((e) => e.kv.key === key);

/** The watch, compaction and restart tests of the conformance suite. */
export function watchConformance(factory: SubjectFactory, run: Run): void {
  run('watch delivers create, update and delete with previous values', async (store, p) => {
    const from = (await store.currentRevision()) + 1;
    const c = await store.create(`${p}a`, 'v1');
    const u = await store.update(`${p}a`, 'v2', c);
    const d = await store.delete(`${p}a`, u);
    await store.create(`${p}other/x`, 'y');
    await store.create(`${p.slice(0, -1)}-sibling`, 'not mine');
    await store.create(`${p}end`, '');
    const events = await collect(store, p, from, until(`${p}end`));
    const a = { key: `${p}a`, createRevision: c };
    assert.deepEqual(events.slice(0, 3), [
      { type: 'create', kv: { ...a, value: 'v1', modRevision: c } },
      { type: 'update', kv: { ...a, value: 'v2', modRevision: u }, prev: { ...a, value: 'v1', modRevision: c } },
      { type: 'delete', kv: { ...a, value: 'v2', modRevision: d.modRevision }, prev: { ...a, value: 'v2', modRevision: u } },
    ]);
    assert.deepEqual(events.slice(3).map((e) => e.kv.key), [`${p}other/x`, `${p}end`]);
  });

  run('watch from 0 sees only writes made after it started', async (store, p) => {
    await store.create(`${p}old`, '1');
    const ac = new AbortController();
    const first = store.watch(p, { fromRevision: 0, signal: ac.signal })[Symbol.asyncIterator]().next();
    // A remote store starts the watch a moment after the call: write until it sees something.
    const state = { seen: false };
    void first.then(() => (state.seen = true), () => (state.seen = true));
    const revs: number[] = [];
    while (!state.seen) revs.push(await store.create(`${p}new${revs.length}`, '2'));
    const result = await first;
    ac.abort();
    const events = result.done ? [] : result.value;
    assert.ok(events.length > 0);
    assert.ok(events.every((e) => e.kv.key.startsWith(`${p}new`)), 'the write before the watch is not replayed');
    const start = events[0]?.kv.modRevision ?? 0;
    assert.deepEqual(events.map((e) => e.kv.modRevision), revs.filter((r) => r >= start).slice(0, events.length));
  });

  run('a watch with an aborted signal ends at once; aborting ends a running one', async (store, p) => {
    const iterate = async (signal: AbortSignal) => {
      const seen: WatchEvent[] = [];
      for await (const batch of store.watch(p, { fromRevision: 0, signal })) seen.push(...batch);
      return seen;
    };
    assert.deepEqual(await iterate(AbortSignal.abort()), []);
    const ac = new AbortController();
    const running = iterate(ac.signal);
    ac.abort();
    assert.deepEqual(await running, []);
    await store.create(`${p}after`, 'x');
  });

  run('8 concurrent writers: the watcher sees every revision once, in order', async (store, p) => {
    const from = (await store.currentRevision()) + 1;
    const watched = collect(store, p, from, (events) => events.length >= 1600);
    const writer = async (w: number) => {
      const revs = [await store.create(`${p}w${w}`, '0')];
      for (let i = 1; i < 200; i++) revs.push(await store.update(`${p}w${w}`, String(i), 0));
      return revs;
    };
    const acked = (await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)))).flat().sort((x, y) => x - y);
    const events = await watched;
    assert.deepEqual(events.map((e) => e.kv.modRevision), acked);
    for (let w = 0; w < 8; w++) {
      const mine = events.filter((e) => e.kv.key === `${p}w${w}`).map((e) => e.kv.value);
      assert.deepEqual(mine, Array.from({ length: 200 }, (_, i) => String(i)));
    }
  });

  run('watch resumes from any retained revision', async (store, p) => {
    const revs: number[] = [];
    for (let i = 0; i < 20; i++) revs.push(i % 3 === 2 ? (await store.delete(`${p}k${i - 1}`, 0)).modRevision : await store.create(`${p}k${i}`, String(i)));
    const last = revs.at(-1) ?? 0;
    for (const from of [revs[0] ?? 0, revs[7] ?? 0, revs[8] ?? 0, last]) {
      const events = await collect(store, p, from, (es) => es.some((e) => e.kv.modRevision === last));
      assert.deepEqual(events.map((e) => e.kv.modRevision), revs.filter((r) => r >= from));
    }
    const live = collect(store, p, last + 1, until(`${p}later`));
    await store.create(`${p}later`, 'x');
    assert.deepEqual((await live).map((e) => e.kv.key), [`${p}later`]);
  });

  run('compaction: older revisions are Compacted for watch and list; values stay', async (store, p) => {
    const revs: number[] = [];
    for (let i = 0; i < 10; i++) revs.push(await store.update(`${p}k`, String(i), 0).catch(() => store.create(`${p}k`, String(i))));
    await store.create(`${p}other`, 'o');
    await store.delete(`${p}other`, 0);
    const mid = revs[5] ?? 0;
    await store.compact(mid);
    assert.equal(await store.compactRevision(), mid);
    await assert.rejects(collect(store, p, mid - 1, () => true), (err) => isCompacted(err) && err.revision === mid);
    await assert.rejects(store.list(p, { revision: mid - 1 }), isCompacted);
    assert.deepEqual((await store.list(p, { revision: mid })).items.map((kv) => kv.value), ['5']);
    const events = await collect(store, p, mid + 1, (es) => es.some((e) => e.kv.key === `${p}other` && e.type === 'delete'));
    assert.deepEqual(events.map((e) => e.kv.modRevision), [...revs.slice(6), (revs.at(-1) ?? 0) + 1, (revs.at(-1) ?? 0) + 2]);
    assert.deepEqual(events[0]?.prev?.value, '5');
    assert.equal((await store.get(`${p}k`))?.value, '9');
    await store.compact(mid - 2);
    assert.equal(await store.compactRevision(), mid, 'compacting to an older revision changes nothing');
    await store.compact(await store.currentRevision());
    assert.deepEqual((await store.list(p)).items.map((kv) => kv.value), ['9']);
  });

  void test('restart keeps every value, the revision and the compact revision', { timeout: 120_000 }, () =>
    withSubject(factory, 'restart', async (subject, p) => {
      if (!subject.reopen) return undefined;
      const { store } = subject;
      const a = await store.create(`${p}a`, 'A');
      await store.create(`${p}b`, 'B');
      await store.compact(a);
      const newest = (await store.delete(`${p}b`, 0)).modRevision;
      const before = await store.list(p);
      const reopened = await subject.reopen();
      assert.deepEqual(await reopened.list(p), before);
      assert.equal(await reopened.currentRevision(), newest);
      assert.equal(await reopened.compactRevision(), a);
      assert.ok((await reopened.create(`${p}c`, 'C')) > newest, 'a revision is never reused, even of a deleted newest row');
      return reopened;
    }),
  );
}
