import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SchedulingQueue } from './queue.js';
import type { Pod } from './types.js';

const mkPod = (name: string): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c' }] } });

test('a closed queue hands out no more pods, even with pods waiting (a stopping scheduler does not work through its backlog)', async () => {
  const q = new SchedulingQueue();
  for (const name of ['a', 'b', 'c']) q.add(mkPod(name), `default/${name}`);
  assert.ok(await q.pop());
  q.close();
  assert.equal(await q.pop(), undefined);
});

test('closing the queue releases a waiting pop', async () => {
  const q = new SchedulingQueue();
  const waiting = q.pop();
  q.close();
  assert.equal(await waiting, undefined);
});
