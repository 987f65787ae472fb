import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { configMaps, pods, secrets, serviceAccounts } from '../../src/api/core/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { isNotFound, type Client, type ResourceRef } from '../../src/client/index.js';
import { newRootCACertPublisher, newServiceAccountController } from '../../src/controllers/serviceaccount.js';
import { newServiceAccountTokens } from '../../src/kubelet/satoken.js';
import { setUpVolumes, VolumeError, type PodWithVolumes, type VolumeSources } from '../../src/kubelet/volumes.js';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';
import { runControllers, waitFor, type TestControllers } from '../support/controllers.js';
import { jsonRequest } from '../support/https.js';

// The whole path of issue 5 without a container runtime: the controllers
// make the default account and kube-root-ca.crt, admission gives a new pod
// its kube-api-access volume, the kubelet's volume code fills it through the
// TokenRequest API, and the token in the file is the pod's identity.

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { jti: string; exp: number; iat: number };
const mountPath = '/var/run/secrets/kubernetes.io/serviceaccount';

describe('kubelet service account tokens', () => {
  let api: TestAPIServer;
  let cms: TestControllers;
  let client: Client;
  let root = '';
  before(async () => {
    api = await startTestAPIServer();
    cms = runControllers(api, [newServiceAccountController(), newRootCACertPublisher()]);
    client = cms.client;
    root = mkdtempSync(join(tmpdir(), 'skiff-satoken-'));
    await waitFor('the default account', () => client.get(serviceAccounts, 'default', 'default'));
    await waitFor('the root CA', () => client.get(configMaps, 'default', 'kube-root-ca.crt'));
  });
  after(async () => {
    await cms.stop();
    await api.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const optional = (ref: ResourceRef, name: string) => client.get(ref, 'default', name).catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err as Error)));
  const sourcesWith = (token: VolumeSources['serviceAccountToken']): VolumeSources => ({
    configMap: (name) => optional(configMaps, name) as Promise<{ data?: Record<string, string> } | undefined>,
    secret: (name) => optional(secrets, name) as Promise<{ data?: Record<string, string> } | undefined>,
    claimPath: () => Promise.resolve(undefined),
    allocatable: {},
    ...(token ? { serviceAccountToken: token } : {}),
  });
  const createPod = (name: string) =>
    client.create<KubeObject & PodWithVolumes>(pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
  const whoami = async (token: string) => {
    const r = await jsonRequest(`${api.server.url}/apis/authentication.k8s.io/v1/selfsubjectreviews`, { ca: api.server.caCert }, 'POST', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: {} }, { Authorization: `Bearer ${token}` });
    return { status: r.status, user: (r.body as { status?: { userInfo?: { username?: string; extra?: Record<string, string[]> } } }).status?.userInfo };
  };

  test('a new pod\'s kube-api-access volume holds a bound token of its account, the cluster CA and its namespace', async () => {
    const tokens = newServiceAccountTokens({ client });
    const pod = await createPod('web');
    const volume = pod.spec?.volumes?.find((v) => v.name.startsWith('kube-api-access-'));
    assert.ok(volume, 'admission added the volume');
    assert.deepEqual((pod.spec?.containers?.[0] as { volumeMounts?: unknown } | undefined)?.volumeMounts, [{ name: volume.name, readOnly: true, mountPath }]);
    const vols = await setUpVolumes(pod, join(root, 'web'), sourcesWith((aud, secs, p) => tokens.token(aud, secs, p)));
    const dir = vols.get(volume.name) ?? '';
    assert.equal(readFileSync(join(dir, 'ca.crt'), 'utf8'), api.server.caCert);
    assert.equal(readFileSync(join(dir, 'namespace'), 'utf8'), 'default');
    const token = readFileSync(join(dir, 'token'), 'utf8');
    const me = await whoami(token);
    assert.equal(me.status, 201);
    assert.equal(me.user?.username, 'system:serviceaccount:default:default');
    assert.deepEqual(me.user.extra?.['authentication.kubernetes.io/pod-uid'], [pod.metadata.uid]);
  });

  test('a token is kept until 80% of its lifetime passed, then requested anew; a failed refresh keeps it until it expires', async () => {
    let clock = Date.now();
    const tokens = newServiceAccountTokens({ client, now: () => clock });
    const pod = await createPod('clocked');
    const first = await tokens.token('', 3600, pod);
    assert.equal(await tokens.token('', 3600, pod), first, 'cached');
    assert.notEqual(await tokens.token('vault', 3600, pod), first, 'another audience is another token');
    clock += 2879_000; // just under 80% of the hour
    assert.equal(await tokens.token('', 3600, pod), first);
    clock += 2_000;
    const second = await tokens.token('', 3600, pod);
    assert.notEqual(claimsOf(second).jti, claimsOf(first).jti, 'refreshed past 80%');

    // The pod goes: a refresh fails (its TokenRequest is 404) but the token stands while it lives.
    // (Tokens are issued on the server's real clock: the second one expires an hour after Date.now(), within the refresh window already.)
    await client.delete(pods, 'default', 'clocked', { gracePeriodSeconds: 0 });
    await waitFor('the pod gone', () => client.get(pods, 'default', 'clocked').then(() => undefined, (err: unknown) => isNotFound(err)));
    clock += 100_000;
    assert.equal(await tokens.token('', 3600, pod), second);
    clock += 3600_000;
    await assert.rejects(tokens.token('', 3600, pod), (e: unknown) => e instanceof VolumeError && /^token expired and refresh failed: pods "clocked" not found/.test(e.message));
    tokens.forget(pod.metadata.uid ?? '');
    await assert.rejects(tokens.token('', 3600, pod), (e: unknown) => e instanceof VolumeError && e.message === 'failed to fetch token: pods "clocked" not found');
  });

  test('a pod whose account is missing waits: its volume cannot be set up', async () => {
    const tokens = newServiceAccountTokens({ client });
    const pod: PodWithVolumes = { metadata: { name: 'ghost', namespace: 'default', uid: 'u' }, spec: { serviceAccountName: 'nobody', volumes: [{ name: 't', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }] } };
    await assert.rejects(setUpVolumes(pod, join(root, 'ghost'), sourcesWith((aud, secs, p) => tokens.token(aud, secs, p))), (e: unknown) => e instanceof VolumeError && e.message === 'failed to fetch token: serviceaccounts "nobody" not found');
  });
});
