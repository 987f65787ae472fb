import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../api/meta.js';
import { Informer } from './informer.js';
import { Client, type ListOptions, type ObjectList, type ResourceRef } from './rest.js';

const configMaps: ResourceRef = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };

/** A client whose list has `pages` pages of one object each (a huge list, as of 100,000 pods, if many), and that records its calls. */
class PagedClient extends Client {
  readonly calls: string[] = [];

  constructor(
    readonly pages: number,
    readonly hooks: { onPage?: (n: number) => void; onWatch?: () => void },
  ) {
    super({ server: 'https://127.0.0.1:1', ca: '' });
  }

  override list<T extends KubeObject = KubeObject>(_ref: ResourceRef, _namespace = '', options: ListOptions = {}): Promise<ObjectList<T>> {
    const n = this.calls.push(`list ${options.continue ?? ''}`);
    this.hooks.onPage?.(n);
    const item = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${String(n)}`, namespace: 'default', resourceVersion: String(n) } } as T;
    return Promise.resolve({ items: [item], metadata: { resourceVersion: String(n), ...(n < this.pages ? { continue: `page-${String(n)}` } : {}) } });
  }

  override watch(): Promise<void> {
    this.calls.push('watch');
    this.hooks.onWatch?.();
    return Promise.resolve();
  }
}

test('an informer stopped while it lists stops between pages, and synced() answers false', async () => {
  const stop = new AbortController();
  const client = new PagedClient(Infinity, {
    onPage: (n) => {
      if (n === 3) stop.abort();
    },
  });
  const informer = new Informer(client, configMaps);
  const synced = informer.synced(stop.signal);
  await informer.run(stop.signal);
  assert.equal(await synced, false);
  assert.deepEqual(client.calls, ['list ', 'list page-1', 'list page-2']);
  // A partial list is not a cache: nothing of it is kept or announced.
  assert.deepEqual(informer.list(), []);
  assert.equal(informer.hasSynced, false);
  client.close();
});

test('synced() answers true once the first list is in, and at once afterwards', async () => {
  const stop = new AbortController();
  const client = new PagedClient(2, { onWatch: () => stop.abort() });
  const informer = new Informer(client, configMaps);
  const synced = informer.synced(stop.signal);
  await informer.run(stop.signal);
  assert.equal(await synced, true);
  assert.deepEqual(client.calls, ['list ', 'list page-1', 'watch']);
  assert.equal(informer.list().length, 2);
  assert.equal(await informer.synced(stop.signal), true);
  client.close();
});
