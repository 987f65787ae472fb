import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ListOptions, Store } from '../../src/storage/store.js';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';

// kubectl pages every list by 500. Counting what is left after each page made
// a walk over n objects cost O(n²) (40,000 events froze the server for 18 s):
// a walk now has the store count once, on its first page, and carries the
// count in its continue token.

type List = { metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number }; items: { metadata: { name: string } }[] };

/** `store`, recording the prefix of every list that asks it to count. */
function countingStore(store: Store, counted: string[]): Store {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'list') {
        return (prefix: string, options?: ListOptions) => {
          if (options?.count) counted.push(prefix);
          return target.list(prefix, options);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const cm = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { a: '1' } });
const name = (i: number) => `c${String(i).padStart(2, '0')}`;
const walkOf = (ns: string) => `/registry/configmaps/${ns}/`;

describe('paged lists', () => {
  let api: TestAPIServer;
  const counted: string[] = [];
  before(async () => {
    api = await startTestAPIServer({ wrapStore: (s) => countingStore(s, counted) });
  });
  after(async () => {
    await api.stop();
  });

  /** Follow `continue` from `first`, running `between` before each next page; every page, first included. */
  async function walk(path: string, first: List, between: () => Promise<void> = () => Promise.resolve()): Promise<List[]> {
    const pages = [first];
    for (let token = first.metadata.continue; token; ) {
      await between();
      const page = await api.get<List>(`${path}${path.includes('?') ? '&' : '?'}continue=${encodeURIComponent(token)}`);
      pages.push(page);
      token = page.metadata.continue;
    }
    return pages;
  }

  async function fill(ns: string, n: number, labels: (i: number) => Record<string, string> = () => ({})): Promise<void> {
    await api.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    for (let i = 0; i < n; i++) await api.request('POST', `/api/v1/namespaces/${ns}/configmaps`, cm(name(i), labels(i)));
  }

  test('remainingItemCount is right on every page while writes go on, and the store counts once per walk', async () => {
    await fill('walk', 25);
    counted.length = 0;
    const path = '/api/v1/namespaces/walk/configmaps?limit=10';
    let n = 0;
    // Writes between pages move the store on: later pages read the revision of the first.
    const pages = await walk(path, await api.get<List>(path), async () => {
      n++;
      await api.request('POST', '/api/v1/namespaces/walk/configmaps', cm(`new-${n}`));
      await api.request('DELETE', `/api/v1/namespaces/walk/configmaps/${name(25 - n)}`);
    });
    assert.deepEqual(pages.map((p) => p.metadata.remainingItemCount), [15, 5, undefined]);
    assert.deepEqual(pages.flatMap((p) => p.items.map((i) => i.metadata.name)), Array.from({ length: 25 }, (_, i) => name(i)));
    assert.deepEqual(counted, [walkOf('walk')], 'only the first page asks the store to count');
  });

  test('a page ending exactly at the last object has no continue and no remainingItemCount', async () => {
    await fill('exact', 20);
    const pages = await walk('/api/v1/namespaces/exact/configmaps?limit=10', await api.get<List>('/api/v1/namespaces/exact/configmaps?limit=10'));
    assert.deepEqual(pages.map((p) => [p.items.length, p.metadata.remainingItemCount, Boolean(p.metadata.continue)]), [[10, 10, true], [10, undefined, false]]);
  });

  test('a filtered walk reports no remainingItemCount and never counts; continued unfiltered, it counts that page', async () => {
    await fill('sel', 12, (i) => ({ even: String(i % 2 === 0) }));
    counted.length = 0;
    const path = '/api/v1/namespaces/sel/configmaps?limit=2&labelSelector=even%3Dtrue';
    const pages = await walk(path, await api.get<List>(path));
    assert.deepEqual(pages.flatMap((p) => p.items.map((i) => i.metadata.name)), ['c00', 'c02', 'c04', 'c06', 'c08', 'c10']);
    assert.ok(pages.every((p) => p.metadata.remainingItemCount === undefined));
    assert.deepEqual(counted, []);
    // Upstream allows another selector on a continued list; the filtered token carries no count.
    const token = pages[0]?.metadata.continue ?? '';
    const plain = await api.get<List>(`/api/v1/namespaces/sel/configmaps?limit=2&continue=${encodeURIComponent(token)}`);
    assert.deepEqual([plain.items.map((i) => i.metadata.name), plain.metadata.remainingItemCount], [['c03', 'c04'], 7]);
    assert.deepEqual(counted, [walkOf('sel')]);
  });

  test('a continue token with a malformed count is 400', async () => {
    const first = await api.get<List>('/api/v1/namespaces/walk/configmaps?limit=10');
    const token = JSON.parse(Buffer.from(first.metadata.continue ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    for (const remaining of [-1, 1.5, '7']) {
      const bad = Buffer.from(JSON.stringify({ ...token, remaining })).toString('base64url');
      const res = await api.request('GET', `/api/v1/namespaces/walk/configmaps?limit=10&continue=${bad}`);
      assert.equal(res.status, 400, `remaining ${JSON.stringify(remaining)}`);
    }
  });
});
