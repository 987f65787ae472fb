import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pods as podDef } from '../api/core/index.js';
import { openSqliteStore } from '../storage/sqlite/index.js';
import { attrsOf } from './filter.js';
import { encode } from './objects.js';
import { decode, decodeJSON, WatchCache, type CacheEvent } from './watchcache.js';

test('decodeJSON splices the resourceVersion into stored JSON, same as parsing', () => {
  const obj = { spec: { template: { metadata: { name: 'inner' } } }, kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p', resourceVersion: '3' } };
  const value = encode(obj);
  assert.ok(value.startsWith('{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}'), value);
  const kv = { key: '/registry/pods/default/p', value, createRevision: 7, modRevision: 9 };
  const spliced = JSON.parse(decodeJSON(kv)) as typeof obj;
  assert.equal(spliced.metadata.resourceVersion, '9');
  assert.deepEqual(spliced, { ...obj, metadata: { name: 'p', resourceVersion: '9' } });
  assert.deepEqual(JSON.parse(decode(kv).json), spliced);
  const empty = { key: 'k', value: encode({ apiVersion: 'v1', kind: 'X', metadata: {} }), createRevision: 1, modRevision: 2 };
  assert.deepEqual(JSON.parse(decodeJSON(empty)), { apiVersion: 'v1', kind: 'X', metadata: { resourceVersion: '2' } });
  const foreign = { key: 'k', value: '{"kind":"X","metadata":{"name":"a"},"apiVersion":"v1"}', createRevision: 1, modRevision: 4 };
  assert.equal((JSON.parse(decodeJSON(foreign)) as typeof obj).metadata.resourceVersion, '4');
});

test('the cache keeps JSON and attributes: each read of an entry decodes a fresh object; an event shares one only while it is fanned out', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-watchcache-'));
  const store = await openSqliteStore(join(dir, 'state.db'));
  const stop = new AbortController();
  try {
    const pod = (phase: string) => encode({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', labels: { app: 'web' } }, spec: { nodeName: 'n1' }, status: { phase } });
    await store.create('/registry/pods/default/p', pod('Pending'));
    const cache = new WatchCache({ store, prefix: '/registry/pods/', capacity: 10, signal: stop.signal, onError: (err) => assert.fail(String(err)), attrs: (o) => attrsOf(podDef, o) });
    await cache.ready();
    const seen: CacheEvent[] = [];
    const shared: boolean[] = [];
    const during: unknown[] = [];
    cache.watch(cache.revision, (e) => {
      seen.push(e);
      shared.push(e.object === e.object);
      during.push(e.object);
    }, () => {});
    const entry = cache.get('/registry/pods/default/p');
    assert.ok(entry);
    assert.deepEqual(entry.attrs, { name: 'p', namespace: 'default', labels: { app: 'web' }, fields: { ...entry.attrs.fields, 'spec.nodeName': 'n1', 'status.phase': 'Pending' } });
    const a = entry.object;
    a.metadata.name = 'changed';
    assert.notEqual(entry.object, a);
    assert.equal(entry.object.metadata.name, 'p');
    await store.update('/registry/pods/default/p', pod('Running'), 0);
    for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const [e] = seen;
    assert.ok(e);
    assert.deepEqual([e.type, e.attrs.fields['status.phase'], e.prevAttrs?.fields['status.phase']], ['MODIFIED', 'Running', 'Pending']);
    assert.deepEqual(shared, [true]);
    // After the fan-out the event holds its JSON only: a later reader (a resumed watch) decodes anew.
    assert.notEqual(e.object, during[0]);
    assert.equal(JSON.stringify(e.object), e.json);
  } finally {
    stop.abort();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
