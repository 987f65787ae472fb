import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { watchConformance } from './conformance-watch.js';
import { isAlreadyExists, isConflict, isNotFound, StorageError } from './errors.js';
import type { Store } from './store.js';

/** One store under test, and how to restart it on the same data. */
export interface Subject {
  readonly store: Store;
  /** Close `store` and open the same data again (absent: the backend cannot restart). */
  reopen?(): Promise<Store>;
}

/** Makes a fresh subject; `name` is unique per test (keys live under `/${name}/`). */
export type SubjectFactory = (name: string) => Promise<Subject>;

/** Run `body` on a fresh subject, closing whatever store it ends with. */
export async function withSubject(factory: SubjectFactory, name: string, body: (s: Subject, prefix: string) => Promise<Store | undefined>): Promise<void> {
  const subject = await factory(name);
  let last: Store = subject.store;
  try {
    last = (await body(subject, `/${name}/`)) ?? last;
  } finally {
    await last.close();
  }
}

/** Register the storage conformance tests (node:test) for one backend. */
export function conformance(backend: string, factory: SubjectFactory): void {
  const run = (name: string, body: (store: Store, prefix: string) => Promise<void>): void => {
    const id = name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    void test(name, { timeout: 120_000 }, () => withSubject(factory, id, async (s, p) => { await body(s.store, p); return undefined; }));
  };

  void describe(`storage conformance: ${backend}`, () => {
    run('create then get returns the value at the create revision', async (store, p) => {
      const rev = await store.create(`${p}a`, 'one');
      assert.ok(rev > 0);
      assert.deepEqual(await store.get(`${p}a`), { key: `${p}a`, value: 'one', createRevision: rev, modRevision: rev });
      assert.equal(await store.get(`${p}missing`), undefined);
      await assert.rejects(store.create(`${p}a`, 'two'), (err) => isAlreadyExists(err) && err.key === `${p}a`);
      assert.equal((await store.get(`${p}a`))?.value, 'one');
    });

    run('update compares on modRevision and keeps createRevision', async (store, p) => {
      const created = await store.create(`${p}k`, 'v1');
      const updated = await store.update(`${p}k`, 'v2', created);
      assert.ok(updated > created);
      assert.deepEqual(await store.get(`${p}k`), { key: `${p}k`, value: 'v2', createRevision: created, modRevision: updated });
      await assert.rejects(store.update(`${p}k`, 'stale', created), (err) => isConflict(err) && err.revision === updated);
      const any = await store.update(`${p}k`, 'v3', 0);
      assert.ok(any > updated);
      await assert.rejects(store.update(`${p}nope`, 'x', 0), isNotFound);
      await assert.rejects(store.update(`${p}nope`, 'x', any), isNotFound);
      assert.equal((await store.get(`${p}k`))?.value, 'v3');
    });

    run('delete returns the last value at the delete revision', async (store, p) => {
      const created = await store.create(`${p}d`, 'gone');
      const updated = await store.update(`${p}d`, 'gone2', 0);
      await assert.rejects(store.delete(`${p}d`, created), (err) => isConflict(err) && err.revision === updated);
      const deleted = await store.delete(`${p}d`, updated);
      assert.equal(deleted.key, `${p}d`);
      assert.equal(deleted.value, 'gone2');
      assert.equal(deleted.createRevision, created);
      assert.ok(deleted.modRevision > updated);
      assert.equal(deleted.modRevision, await store.currentRevision());
      assert.equal(await store.get(`${p}d`), undefined);
      await assert.rejects(store.delete(`${p}d`, 0), isNotFound);
      const again = await store.create(`${p}d`, 'back');
      assert.equal((await store.get(`${p}d`))?.createRevision, again);
      await store.delete(`${p}d`, 0);
    });

    run('every write gets a strictly greater revision, the current one', async (store, p) => {
      let last = await store.currentRevision();
      const step = async (rev: Promise<number>) => {
        const r = await rev;
        assert.ok(r > last, `revision ${r} after ${last}`);
        assert.equal(await store.currentRevision(), r);
        last = r;
      };
      await step(store.create(`${p}x`, '1'));
      await step(store.update(`${p}x`, '2', last));
      await step(store.delete(`${p}x`, last).then((kv) => kv.modRevision));
      await step(store.create(`${p}x`, '3'));
      await assert.rejects(store.create(`${p}x`, '4'), isAlreadyExists);
      assert.equal(await store.currentRevision(), last, 'a failed write takes no revision');
    });

    run('list is a string prefix match in key order; count agrees', async (store, p) => {
      for (const k of ['b', 'a/x', 'ab', 'a', 'a/y/z', 'c']) await store.create(`${p}${k}`, k);
      await store.create(`${p.slice(0, -1)}-sibling/a`, 'outside');
      const keys = async (prefix: string) => (await store.list(prefix)).items.map((kv) => kv.key.slice(p.length));
      assert.deepEqual(await keys(p), ['a', 'a/x', 'a/y/z', 'ab', 'b', 'c']);
      assert.deepEqual(await keys(`${p}a`), ['a', 'a/x', 'a/y/z', 'ab']);
      assert.deepEqual(await keys(`${p}a/`), ['a/x', 'a/y/z']);
      assert.deepEqual(await keys(`${p}zzz`), []);
      assert.equal(await store.count(`${p}a/`), 2);
      assert.equal(await store.count(p), 6);
      const all = await store.list(p);
      assert.equal(all.revision, await store.currentRevision());
      assert.equal(all.more, false);
      assert.equal(all.remaining, undefined);
      assert.deepEqual(all.items[0], await store.get(`${p}a`));
    });

    run('keys are ordered by code point, also beyond ASCII', async (store, p) => {
      const names = ['z', 'é', 'é/x', 'éa', '日本', '\u{1F600}', 'ÿ'];
      for (const k of names) await store.create(`${p}${k}`, k);
      const keys = async (prefix: string) => (await store.list(prefix)).items.map((kv) => kv.value);
      assert.deepEqual(await keys(p), ['z', 'é', 'é/x', 'éa', 'ÿ', '日本', '\u{1F600}']);
      assert.deepEqual(await keys(`${p}é`), ['é', 'é/x', 'éa']);
      assert.deepEqual(await keys(`${p}日`), ['日本']);
      assert.deepEqual(await keys(`${p}\u{1F600}`), ['\u{1F600}']);
      const page = await store.list(p, { startKey: `${p}ÿ`, limit: 1, count: true });
      assert.deepEqual([page.items.map((kv) => kv.value), page.more, page.remaining], [['ÿ'], true, 2]);
    });

    run('pages at a fixed revision stay consistent while writes happen between them', async (store, p) => {
      const key = (i: number) => `${p}${String(i).padStart(3, '0')}`;
      for (let i = 0; i < 25; i++) await store.create(key(i), `v${i}`);
      const snapshot = await store.list(p);
      const first = await store.list(p, { limit: 10, count: true });
      assert.equal(first.items.length, 10);
      assert.equal(first.remaining, 15);
      assert.equal(first.revision, snapshot.revision);
      await store.update(key(15), 'changed', 0);
      await store.delete(key(20), 0);
      await store.create(`${key(12)}a`, 'new');
      const pages = [first];
      for (let page = first; page.more; ) {
        const startKey = `${page.items.at(-1)?.key ?? ''}\0`;
        page = await store.list(p, { limit: 10, startKey, revision: first.revision, count: true });
        assert.equal(page.revision, first.revision);
        pages.push(page);
      }
      assert.deepEqual(pages.map((pg) => [pg.more, pg.remaining]), [[true, 15], [true, 5], [false, undefined]]);
      assert.deepEqual(pages.flatMap((pg) => pg.items), snapshot.items);
      const now = await store.list(p, { startKey: key(15) });
      assert.deepEqual(now.items.slice(0, 2).map((kv) => kv.value), ['changed', 'v16']);
      assert.equal(now.items.length, 9);
      assert.equal((await store.list(p, { limit: 100 })).more, false);
    });

    run('a list larger than 4 MiB (gRPC\'s default message limit) is read whole', async (store, p) => {
      // 900 KiB values stay under etcd's default 1.5 MiB request limit; six of them pass 4 MiB.
      const big = 'x'.repeat(900 * 1024);
      for (let i = 0; i < 6; i++) await store.create(`${p}${i}`, big);
      const all = await store.list(p);
      assert.deepEqual([all.items.length, all.items.every((kv) => kv.value === big)], [6, true]);
    });

    run('a page says whether more is left; it counts what is left only when asked', async (store, p) => {
      const key = (i: number) => `${p}${String(i).padStart(2, '0')}`;
      for (let i = 0; i < 10; i++) await store.create(key(i), `v${i}`);
      await store.create(`${p.slice(0, -1)}0`, 'just past the prefix');
      const page = await store.list(p, { limit: 4 });
      assert.deepEqual([page.items.length, page.more, page.remaining], [4, true, undefined]);
      const counted = await store.list(p, { limit: 4, count: true });
      assert.deepEqual([counted.items, counted.more, counted.remaining], [page.items, true, 6]);
      // A limit that ends exactly at the last key leaves nothing: no more, nothing to count.
      const exact = await store.list(p, { limit: 6, startKey: key(4), count: true });
      assert.deepEqual([exact.items.map((kv) => kv.value), exact.more, exact.remaining], [['v4', 'v5', 'v6', 'v7', 'v8', 'v9'], false, undefined]);
      const all = await store.list(p, { limit: 10, count: true });
      assert.deepEqual([all.items.length, all.more, all.remaining], [10, false, undefined]);
    });

    run('list at an older revision sees the values of then', async (store, p) => {
      const r1 = await store.create(`${p}a`, 'a1');
      const r2 = await store.create(`${p}b`, 'b1');
      await store.update(`${p}a`, 'a2', r1);
      await store.delete(`${p}b`, r2);
      await store.create(`${p}c`, 'c1');
      const then = await store.list(p, { revision: r2 });
      assert.equal(then.revision, r2);
      assert.deepEqual(then.items, [
        { key: `${p}a`, value: 'a1', createRevision: r1, modRevision: r1 },
        { key: `${p}b`, value: 'b1', createRevision: r2, modRevision: r2 },
      ]);
      assert.deepEqual((await store.list(p, { revision: r1 })).items.map((kv) => kv.value), ['a1']);
      assert.deepEqual((await store.list(p)).items.map((kv) => kv.value), ['a2', 'c1']);
      const paged = await store.list(p, { revision: r2, limit: 1, count: true });
      assert.deepEqual([paged.items.length, paged.more, paged.remaining], [1, true, 1]);
    });

    run('concurrent updates of one key: exactly one wins per revision, none is lost', async (store, p) => {
      const k = `${p}counter`;
      const r0 = await store.create(k, '0');
      const race = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.update(k, `racer${i}`, r0)));
      assert.equal(race.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of race) if (r.status === 'rejected') assert.ok(isConflict(r.reason), String(r.reason));
      await store.update(k, '0', 0);
      const increment = async () => {
        for (;;) {
          const cur = await store.get(k);
          assert.ok(cur);
          try {
            return await store.update(k, String(Number(cur.value) + 1), cur.modRevision);
          } catch (err) {
            if (!isConflict(err)) throw err;
          }
        }
      };
      const writers = Array.from({ length: 8 }, async () => {
        const revs: number[] = [];
        for (let i = 0; i < 25; i++) revs.push(await increment());
        return revs;
      });
      const revs = (await Promise.all(writers)).flat();
      assert.equal(new Set(revs).size, 200);
      assert.equal((await store.get(k))?.value, '200');
    });

    run('a closed store rejects with Unavailable', async (store, p) => {
      await store.create(`${p}x`, '1');
      await store.close();
      await assert.rejects(store.get(`${p}x`), (err) => err instanceof StorageError && err.code === 'Unavailable');
      await assert.rejects(store.create(`${p}y`, '1'), (err) => err instanceof StorageError && err.code === 'Unavailable');
    });

    watchConformance(factory, run);
  });
}
