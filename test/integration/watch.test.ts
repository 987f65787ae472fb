import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';
import { openWatch } from '../support/watch.js';

const cm = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { k: name } });
type Obj = { metadata: { name: string; resourceVersion: string; labels?: Record<string, string> } };

describe('watch', () => {
  let api: TestAPIServer;
  before(async () => {
    api = await startTestAPIServer({ bookmarkIntervalMs: 200 });
  });
  after(async () => {
    await api.stop();
  });

  test('from an exact resourceVersion: every later event, in order, once', async () => {
    const list = (await api.request('GET', '/api/v1/namespaces/default/configmaps')).body as { metadata: { resourceVersion: string } };
    const w = openWatch(api.server, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${list.metadata.resourceVersion}`);
    try {
      const a = (await api.request('POST', '/api/v1/namespaces/default/configmaps', cm('w1'))).body as Obj;
      await api.request('PUT', '/api/v1/namespaces/default/configmaps/w1', { ...a, data: { k: 'changed' } });
      await api.request('DELETE', '/api/v1/namespaces/default/configmaps/w1');
      const types = [];
      let last = 0;
      for (let i = 0; i < 3; i++) {
        const e = await w.next();
        types.push(`${e.type}:${e.object.metadata.name ?? ''}`);
        const rv = Number(e.object.metadata.resourceVersion);
        assert.ok(rv > last);
        last = rv;
      }
      assert.deepEqual(types, ['ADDED:w1', 'MODIFIED:w1', 'DELETED:w1']);
    } finally {
      w.close();
    }
  });

  test('resourceVersion "" and "0" start with the current objects', async () => {
    await api.request('POST', '/api/v1/namespaces/default/configmaps', cm('init1'));
    for (const rv of ['', '0']) {
      const w = openWatch(api.server, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}&fieldSelector=metadata.name%3Dinit1`);
      try {
        const e = await w.next();
        assert.equal(e.type, 'ADDED');
        assert.equal(e.object.metadata.name, 'init1');
      } finally {
        w.close();
      }
    }
  });

  test('a label selector turns label changes into ADDED and DELETED', async () => {
    const w = openWatch(api.server, '/api/v1/namespaces/default/configmaps?watch=true&labelSelector=team%3Dblue&resourceVersion=0');
    try {
      const c = (await api.request('POST', '/api/v1/namespaces/default/configmaps', cm('sel1', { team: 'red' }))).body as Obj;
      const blue = (await api.request('PUT', '/api/v1/namespaces/default/configmaps/sel1', { ...c, metadata: { ...c.metadata, labels: { team: 'blue' } } })).body as Obj;
      await api.request('PUT', '/api/v1/namespaces/default/configmaps/sel1', { ...blue, metadata: { ...blue.metadata, labels: { team: 'green' } } });
      assert.equal((await w.next()).type, 'ADDED');
      assert.equal((await w.next()).type, 'DELETED');
    } finally {
      w.close();
    }
  });

  test('bookmarks when allowed', async () => {
    const w = openWatch(api.server, '/api/v1/namespaces/default/secrets?watch=true&resourceVersion=0&allowWatchBookmarks=true');
    try {
      const e = await w.next();
      assert.equal(e.type, 'BOOKMARK');
      assert.equal(e.object.kind, 'Secret');
      assert.match(e.object.metadata.resourceVersion ?? '', /^\d+$/);
    } finally {
      w.close();
    }
  });

  test('timeoutSeconds ends the stream', async () => {
    const w = openWatch(api.server, '/api/v1/namespaces/default/secrets?watch=true&timeoutSeconds=1');
    await assert.rejects(w.next(3000), /watch ended/);
  });
});

describe('watch after a restart', () => {
  test('a resourceVersion older than the watch cache window gets 410 Expired', async () => {
    const api = await startTestAPIServer();
    try {
      const first = (await api.request('POST', '/api/v1/namespaces/default/configmaps', cm('old'))).body as Obj;
      for (let i = 0; i < 3; i++) await api.request('POST', '/api/v1/namespaces/default/configmaps', cm(`more${i}`));
      const restarted = await api.restart();
      const w = openWatch(restarted.server, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${first.metadata.resourceVersion}`);
      try {
        const e = await w.next();
        assert.equal(e.type, 'ERROR');
        assert.equal(e.object.code, 410);
        assert.equal(e.object.reason, 'Expired');
      } finally {
        w.close();
      }
      const kept = await restarted.request('GET', '/api/v1/namespaces/default/configmaps/more2');
      assert.equal(kept.status, 200);
    } finally {
      await api.stop();
    }
  });
});
