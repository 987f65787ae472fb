import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, verify, type JsonWebKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signJWT } from '../../src/apiserver/jwt.js';
import { SA_KEY_FILE } from '../../src/apiserver/sakey.js';
import { DEFAULT_ISSUER, tokenClaims } from '../../src/apiserver/satoken.js';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';
import { jsonRequest } from '../support/https.js';
import { kubectlAsyncOK } from '../support/kubectl.js';

// Service account tokens end to end on the API server: TokenRequest mints
// them, the server accepts them as the account's user, and refuses them
// once tampered with, expired, meant for another audience, or unbound.

const ns = '/api/v1/namespaces/default';
type Obj = { metadata: { name?: string; uid?: string }; spec?: Record<string, unknown>; status?: Record<string, unknown> };
type Status = { code: number; reason: string; message: string };
type Claims = { iss: string; sub: string; aud: string[]; exp: number; iat: number; nbf: number; jti: string; 'kubernetes.io': Record<string, unknown> };

const tokenRequest = (spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) => ({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata, spec });
const part = (token: string, i: number): unknown => JSON.parse(Buffer.from(token.split('.')[i] ?? '', 'base64url').toString('utf8'));
const claimsOf = (token: string) => part(token, 1) as Claims;

describe('service account tokens', () => {
  let api: TestAPIServer;
  let robotUID = '';
  let podUID = '';
  before(async () => {
    api = await startTestAPIServer();
    const sa = await api.request('POST', `${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot' } });
    robotUID = (sa.body as Obj).metadata.uid ?? '';
    const pod = await api.request('POST', `${ns}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { serviceAccountName: 'robot', containers: [{ name: 'c', image: 'busybox' }] } });
    podUID = (pod.body as Obj).metadata.uid ?? '';
  });
  after(() => api.stop());

  const requestToken = async (spec: Record<string, unknown> = {}, sa = 'robot', metadata: Record<string, unknown> = {}) => api.request('POST', `${ns}/serviceaccounts/${sa}/token`, tokenRequest(spec, metadata));
  const mint = async (spec: Record<string, unknown> = {}) => {
    const r = await requestToken(spec);
    assert.equal(r.status, 201, r.text);
    return ((r.body as Obj).status as { token: string }).token;
  };
  /** A request that proves nothing but the bearer token. */
  const asToken = (token: string, method: string, path: string, body?: unknown) => jsonRequest(`${api.server.url}${path}`, { ca: api.server.caCert }, method, body, { Authorization: `Bearer ${token}` });
  const whoami = async (token: string) => {
    const r = await asToken(token, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: {} });
    return { status: r.status, user: ((r.body as Obj).status as { userInfo?: Record<string, unknown> } | undefined)?.userInfo };
  };
  /** Sign claims with the server's own key from its data dir (tokens the server would mint, but with times it would not). */
  const forge = (claims: object, kid: string) => signJWT(claims, createPrivateKey(readFileSync(join(api.dataDir, 'tls', SA_KEY_FILE), 'utf8')), kid);

  test('TokenRequest mints an ES256 JWT with upstream claims, verifiable with the served JWKS', async () => {
    const before = Math.floor(Date.now() / 1000);
    const r = await requestToken();
    assert.equal(r.status, 201, r.text);
    const body = r.body as Obj & { kind: string };
    assert.equal(body.kind, 'TokenRequest');
    assert.deepEqual(body.spec?.audiences, [DEFAULT_ISSUER]);
    assert.equal(body.spec.expirationSeconds, 3600);
    const token = (body.status as { token: string }).token;
    const c = claimsOf(token);
    assert.equal(c.iss, DEFAULT_ISSUER);
    assert.equal(c.sub, 'system:serviceaccount:default:robot');
    assert.deepEqual(c.aud, [DEFAULT_ISSUER]);
    assert.ok(c.iat >= before && c.iat <= before + 5);
    assert.equal(c.nbf, c.iat);
    assert.equal(c.exp - c.iat, 3600);
    assert.match(c.jti, /^[0-9a-f-]{36}$/);
    assert.deepEqual(c['kubernetes.io'], { namespace: 'default', serviceaccount: { name: 'robot', uid: robotUID } });
    const exp = Date.parse((body.status as { expirationTimestamp: string }).expirationTimestamp) / 1000;
    assert.ok(Math.abs(exp - c.exp) <= 1, 'expirationTimestamp is the token exp');

    const header = part(token, 0) as { alg: string; kid: string };
    assert.equal(header.alg, 'ES256');
    const jwks = await api.get<{ keys: (JsonWebKey & { kid: string; alg: string; use: string })[] }>('/openid/v1/jwks');
    assert.equal(jwks.keys.length, 1);
    const jwk = jwks.keys[0];
    assert.ok(jwk);
    assert.deepEqual([jwk.kid, jwk.alg, jwk.use, jwk.kty, jwk.crv], [header.kid, 'ES256', 'sig', 'EC', 'P-256']);
    const [h, p, s] = token.split('.');
    assert.ok(verify('sha256', Buffer.from(`${h ?? ''}.${p ?? ''}`), { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, Buffer.from(s ?? '', 'base64url')));
    const oidc = await api.get<{ issuer: string; jwks_uri: string; id_token_signing_alg_values_supported: string[] }>('/.well-known/openid-configuration');
    assert.deepEqual([oidc.issuer, oidc.jwks_uri, oidc.id_token_signing_alg_values_supported], [DEFAULT_ISSUER, `${DEFAULT_ISSUER}/openid/v1/jwks`, ['ES256']]);
  });

  test('a token bound to a pod names it; 3607 s (the admission volume) is extended to a year with warnafter, as upstream', async () => {
    const r = await requestToken({ expirationSeconds: 3607, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'p', uid: podUID } });
    assert.equal(r.status, 201, r.text);
    const status = (r.body as Obj).status as { token: string; expirationTimestamp: string };
    const c = claimsOf(status.token);
    assert.deepEqual(c['kubernetes.io'], { namespace: 'default', serviceaccount: { name: 'robot', uid: robotUID }, pod: { name: 'p', uid: podUID }, warnafter: c.iat + 3607 });
    assert.equal(c.exp - c.iat, 365 * 24 * 3600);
    // The status keeps the lifetime asked for: the kubelet refreshes on it.
    assert.ok(Math.abs(Date.parse(status.expirationTimestamp) / 1000 - (c.iat + 3607)) <= 1);
    // Another audience gets no extension.
    const other = await requestToken({ audiences: ['vault'], expirationSeconds: 3607, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'p' } });
    const oc = claimsOf(((other.body as Obj).status as { token: string }).token);
    assert.equal(oc.exp - oc.iat, 3607);
    assert.deepEqual(oc.aud, ['vault']);
  });

  test('TokenRequest errors as upstream', async () => {
    const cases: [string, Promise<{ status: number; body: unknown }>, number, string | RegExp][] = [
      ['no such account', requestToken({}, 'nobody'), 404, 'serviceaccounts "nobody" not found'],
      ['too short', requestToken({ expirationSeconds: 599 }), 422, 'TokenRequest.authentication.k8s.io "robot" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes'],
      ['other name', requestToken({}, 'robot', { name: 'other' }), 422, /metadata.name: Invalid value: "other": must match the service account name if specified/],
      ['unbindable kind', requestToken({ boundObjectRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' } }), 400, 'cannot bind token to object of type apps/v1, Kind=Deployment'],
      ['no such pod', requestToken({ boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'ghost' } }), 404, 'pods "ghost" not found'],
      ['no such secret', requestToken({ boundObjectRef: { apiVersion: 'v1', kind: 'Secret', name: 'ghost' } }), 404, 'secrets "ghost" not found'],
      ['stale uid', requestToken({ boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'old' } }), 409, /^Operation cannot be fulfilled on Pod "p": the UID in the bound object reference \(old\) does not match the UID in record/],
    ];
    for (const [what, reply, code, message] of cases) {
      const r = await reply;
      const s = r.body as Status;
      assert.equal(r.status, code, what);
      if (typeof message === 'string') assert.equal(s.message, message, what);
      else assert.match(s.message, message, what);
    }
    await api.request('POST', `${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'other' } });
    const r = await requestToken({ boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'p' } }, 'other');
    assert.equal(r.status, 400);
    assert.equal((r.body as Status).message, 'cannot bind token for serviceaccount "other" to pod running with different serviceaccount name.');
  });

  test('the API server takes a token as its account: system:serviceaccount:NS:NAME in the service account groups', async () => {
    const token = await mint({ boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'p' } });
    const me = await whoami(token);
    assert.equal(me.status, 201);
    assert.deepEqual(me.user, {
      username: 'system:serviceaccount:default:robot',
      uid: robotUID,
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
      extra: {
        'authentication.kubernetes.io/pod-name': ['p'],
        'authentication.kubernetes.io/pod-uid': [podUID],
        'authentication.kubernetes.io/credential-id': [`JTI=${claimsOf(token).jti}`],
      },
    });
    assert.equal((await asToken(token, 'GET', `${ns}/pods`)).status, 200);
    // TokenReview answers for it too.
    const review = await api.request('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata: {}, spec: { token } });
    const rs = (review.body as Obj).status as { authenticated?: boolean; user?: { username?: string } };
    assert.deepEqual([rs.authenticated, rs.user?.username], [true, 'system:serviceaccount:default:robot']);
  });

  test('a tampered, expired, foreign-key or wrong-audience token is 401', async () => {
    const token = await mint();
    const [h, p, s] = token.split('.') as [string, string, string];
    const claims = claimsOf(token);
    const { kid } = part(token, 0) as { kid: string };
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'system:serviceaccount:kube-system:default' })).toString('base64url')}.${s}`;
    const now = Math.floor(Date.now() / 1000);
    const expired = forge(tokenClaims(DEFAULT_ISSUER, [DEFAULT_ISSUER], new Date((now - 7200) * 1000), 3600, randomUUID(), claims['kubernetes.io'] as never), kid);
    const stillFresh = forge(tokenClaims(DEFAULT_ISSUER, [DEFAULT_ISSUER], new Date((now - 3000) * 1000), 3600, randomUUID(), claims['kubernetes.io'] as never), kid);
    const otherIssuer = forge({ ...claims, iss: 'https://elsewhere' }, kid);
    const foreign = signJWT(claims, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey, 'x');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${p}.`;
    const vault = await mint({ audiences: ['vault'] });
    for (const [what, t] of Object.entries({ tampered, expired, otherIssuer, foreign, unsigned, vault })) {
      assert.equal((await asToken(t, 'GET', `${ns}/pods`)).status, 401, what);
    }
    assert.equal((await asToken(stillFresh, 'GET', `${ns}/pods`)).status, 200, 'the forging works: a fresh token with the same key passes');
    // The wrong-audience token is good for its own audience, as a TokenReview asking for it shows.
    const review = await api.request('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata: {}, spec: { token: vault, audiences: ['vault'] } });
    assert.deepEqual(((review.body as Obj).status as { audiences?: string[] }).audiences, ['vault']);
    assert.equal(((review.body as Obj).status as { authenticated?: boolean }).authenticated, true);
  });

  test('kubectl create token mints one (bound to a pod if asked); kubectl auth whoami with it shows the account', async () => {
    const token = (await kubectlAsyncOK(api.kubeconfig, ['create', 'token', 'robot', '--duration', '20m', '--bound-object-kind', 'Pod', '--bound-object-name', 'p'])).trim();
    const c = claimsOf(token);
    assert.equal(c.exp - c.iat, 1200);
    assert.deepEqual(c['kubernetes.io'].pod, { name: 'p', uid: podUID });
    const b64 = (t: string) => Buffer.from(t).toString('base64');
    const kubeconfig = join(api.dataDir, 'robot.kubeconfig');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: api.server.url, 'certificate-authority-data': b64(api.server.caCert) } }],
        users: [{ name: 'robot', user: { token } }],
        contexts: [{ name: 'c', context: { cluster: 'c', user: 'robot' } }],
        'current-context': 'c',
      }),
    );
    const review = JSON.parse(await kubectlAsyncOK(kubeconfig, ['auth', 'whoami', '-o', 'json'])) as { status: { userInfo: { username: string; groups: string[] } } };
    assert.equal(review.status.userInfo.username, 'system:serviceaccount:default:robot');
    assert.deepEqual(review.status.userInfo.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
  });

  test('a bound token dies with its pod, and every token with its account', async () => {
    await api.request('POST', `${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'brief' } });
    await api.request('POST', `${ns}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'q' }, spec: { serviceAccountName: 'brief', containers: [{ name: 'c', image: 'busybox' }] } });
    const mintFor = async (spec: Record<string, unknown>) => ((((await requestToken(spec, 'brief')).body as Obj).status as { token: string }).token);
    const bound = await mintFor({ boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'q' } });
    const unbound = await mintFor({});
    assert.equal((await asToken(bound, 'GET', `${ns}/pods`)).status, 200);
    assert.equal((await api.request('DELETE', `${ns}/pods/q`, { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 })).status, 200);
    await eventually(async () => (await asToken(bound, 'GET', `${ns}/pods`)).status === 401, 'bound token refused once its pod is gone');
    assert.equal((await asToken(unbound, 'GET', `${ns}/pods`)).status, 200);
    assert.equal((await api.request('DELETE', `${ns}/serviceaccounts/brief`)).status, 200);
    await eventually(async () => (await asToken(unbound, 'GET', `${ns}/pods`)).status === 401, 'token refused once its account is gone');
  });
});

/** Polls `check` (the watch cache follows the store within moments). */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(what);
}
