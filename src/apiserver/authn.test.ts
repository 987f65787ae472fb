import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AUTHENTICATED_GROUP, bearerToken, newAuthenticator, type User } from './authn.js';
import { loadOrCreatePKI, type PKI } from './pki.js';

let dir = '';
let pki: PKI;
let foreign: PKI;
let server: Server;
let port = 0;
const nodeUser: User = { name: 'system:node:n1', groups: ['system:nodes'], uid: 'n1' };

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skiff-authn-'));
  pki = await loadOrCreatePKI(join(dir, 'cluster'), { ips: [], dnsNames: [] });
  foreign = await loadOrCreatePKI(join(dir, 'other'), { ips: [], dnsNames: [] });
  const authenticate = newAuthenticator({ caCert: pki.caCert, tokens: new Map([['s3cret', nodeUser]]) });
  server = createServer(
    { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const user = authenticate(req);
      res.writeHead(user === undefined ? 401 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(user ?? null));
    },
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  server.closeAllConnections();
  server.close();
  await rm(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  user: User | null;
}

async function get(opts: { cert?: string; key?: string; token?: string; agent?: Agent }): Promise<Answer> {
  const req = request({
    host: '127.0.0.1',
    port,
    path: '/api',
    ca: pki.caCert,
    agent: opts.agent ?? false,
    ...(opts.cert !== undefined && opts.key !== undefined ? { cert: opts.cert, key: opts.key } : {}),
    headers: opts.token === undefined ? {} : { authorization: `Bearer ${opts.token}` },
  });
  req.end();
  const [res] = (await once(req, 'response')) as [NodeJS.ReadableStream & { statusCode: number }];
  let body = '';
  for await (const chunk of res) body += String(chunk);
  return { status: res.statusCode, user: JSON.parse(body) as User | null };
}

void test('a client certificate signed by the cluster CA gives user CN and groups O', async () => {
  const a = await get({ cert: pki.adminCert, key: pki.adminKey });
  assert.equal(a.status, 200);
  assert.deepEqual(a.user, { name: 'system:admin', groups: ['system:masters', AUTHENTICATED_GROUP] });
});

void test('the same keep-alive connection keeps its identity', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, cert: pki.adminCert, key: pki.adminKey });
  try {
    const a = await get({ agent });
    const b = await get({ agent });
    assert.equal(a.user?.name, 'system:admin');
    assert.deepEqual(b.user, a.user);
  } finally {
    agent.destroy();
  }
});

void test('a bearer token in the table gives its user', async () => {
  const a = await get({ token: 's3cret' });
  assert.equal(a.status, 200);
  assert.deepEqual(a.user, { ...nodeUser, groups: ['system:nodes', AUTHENTICATED_GROUP] });
});

void test('no credentials, an unknown token or a certificate from another CA give no user', async () => {
  assert.equal((await get({})).status, 401);
  assert.equal((await get({ token: 'wrong' })).status, 401);
  assert.equal((await get({ cert: foreign.adminCert, key: foreign.adminKey })).status, 401);
});

void test('a certificate from another CA does not hide a valid token', async () => {
  const a = await get({ cert: foreign.adminCert, key: foreign.adminKey, token: 's3cret' });
  assert.equal(a.user?.name, 'system:node:n1');
});

void test('a serving certificate is no client certificate', async () => {
  assert.equal((await get({ cert: pki.serverCert, key: pki.serverKey })).status, 401);
});

void test('bearerToken parses the header as upstream', () => {
  assert.equal(bearerToken('Bearer abc'), 'abc');
  assert.equal(bearerToken('bearer  abc '), 'abc');
  assert.equal(bearerToken('Basic abc'), undefined);
  assert.equal(bearerToken('Bearer'), undefined);
  assert.equal(bearerToken('Bearer a b'), undefined);
  assert.equal(bearerToken(undefined), undefined);
});
