import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createTCPServer, type AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { check, ProbeState, type ProbeTarget } from './probe.js';

let http: Server;
let port = 0;
const seen: { path: string; agent: string; custom: string }[] = [];
before(async () => {
  http = createServer((req, res) => {
    seen.push({ path: req.url ?? '', agent: req.headers['user-agent'] ?? '', custom: String(req.headers['x-probe'] ?? '') });
    if (req.url === '/slow') return; // never answers
    res.statusCode = req.url === '/healthz' ? 200 : req.url === '/moved' ? 302 : 503;
    res.end();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  port = (http.address() as AddressInfo).port;
});
after(() => {
  http.closeAllConnections();
  http.close();
});

const target = (exitCode = 0, output = ''): ProbeTarget => ({
  podIP: '127.0.0.1',
  ports: [{ name: 'web', containerPort: port }],
  exec: (cmd) => (cmd[0] === 'hang' ? Promise.reject(new Error('command timed out')) : Promise.resolve({ exitCode, output })),
});

test('httpGet: 200–399 succeed, others fail with upstream\'s message; named ports, headers, timeouts', async () => {
  assert.deepEqual(await check({ httpGet: { path: '/healthz', port: 'web', httpHeaders: [{ name: 'X-Probe', value: 'yes' }] } }, target()), { ok: true, message: '' });
  assert.deepEqual(seen.at(-1), { path: '/healthz', agent: 'kube-probe/1.32', custom: 'yes' });
  assert.equal((await check({ httpGet: { path: '/moved', port } }, target())).ok, true);
  assert.deepEqual(await check({ httpGet: { path: '/broken', port } }, target()), { ok: false, message: 'HTTP probe failed with statuscode: 503' });
  const slow = await check({ httpGet: { path: '/slow', port }, timeoutSeconds: 1 }, target());
  assert.equal(slow.ok, false);
  assert.match(slow.message, /context deadline exceeded/);
  assert.deepEqual(await check({ httpGet: { port: 'nope' } }, target()), { ok: false, message: "couldn't find port: nope in container" });
});

test('tcpSocket: a listening port succeeds, a closed one fails', async () => {
  assert.equal((await check({ tcpSocket: { port } }, target())).ok, true);
  const closed = createTCPServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const free = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const r = await check({ tcpSocket: { port: free } }, target());
  assert.equal(r.ok, false);
  assert.match(r.message, new RegExp(`dial tcp 127.0.0.1:${String(free)}: .*ECONNREFUSED`));
});

test('exec: exit code 0 succeeds; others and runtime errors fail', async () => {
  assert.deepEqual(await check({ exec: { command: ['true'] } }, target(0, 'fine')), { ok: true, message: 'fine' });
  assert.deepEqual(await check({ exec: { command: ['false'] } }, target(1, '')), { ok: false, message: 'command "false" exited with 1' });
  assert.deepEqual(await check({ exec: { command: ['hang'] } }, target()), { ok: false, message: 'command timed out' });
});

test('results start as upstream (liveness passing, readiness and startup failing) and flip only after the thresholds, in a row', () => {
  const t0 = 1_000_000;
  const ready = new ProbeState('readiness', { initialDelaySeconds: 5, periodSeconds: 2, successThreshold: 2, failureThreshold: 3 }, t0);
  assert.deepEqual([ready.result, ready.due], [false, t0 + 5000]);
  assert.equal(ready.record(true, t0 + 5000), false);
  assert.equal(ready.due, t0 + 7000);
  assert.equal(ready.record(true, t0 + 7000), true);
  assert.equal(ready.result, true);
  ready.record(false, t0 + 9000);
  ready.record(false, t0 + 11000);
  ready.record(true, t0 + 13000); // the run of failures is broken
  ready.record(false, t0 + 15000);
  ready.record(false, t0 + 17000);
  assert.equal(ready.result, true);
  assert.equal(ready.record(false, t0 + 19000), true);
  assert.equal(ready.result, false);
  const live = new ProbeState('liveness', {}, t0);
  assert.deepEqual([live.result, live.due], [true, t0]);
  live.record(false, t0);
  live.record(false, t0 + 10_000);
  assert.equal(live.result, true);
  assert.equal(live.record(false, t0 + 20_000), true);
  assert.equal(live.result, false);
  assert.equal(new ProbeState('startup', {}, t0).result, false);
});
