import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';

// Upstream's ServiceAccount admission: new pods get a kube-api-access-XXXXX
// projected volume (token, ca.crt, namespace) mounted read-only in every
// container, unless the pod or its account opts out.

const ns = '/api/v1/namespaces/default';
type Mount = { name: string; mountPath: string; readOnly?: boolean };
type Container = { name: string; volumeMounts?: Mount[] };
type Pod = {
  metadata: { name: string };
  spec: { serviceAccountName: string; imagePullSecrets?: { name: string }[]; volumes?: ({ name: string } & Record<string, unknown>)[]; containers: Container[]; initContainers?: Container[] };
};
const mountPath = '/var/run/secrets/kubernetes.io/serviceaccount';

describe('ServiceAccount admission', () => {
  let api: TestAPIServer;
  before(async () => {
    api = await startTestAPIServer();
    for (const sa of [{ name: 'default' }, { name: 'quiet', automountServiceAccountToken: false }, { name: 'puller', imagePullSecrets: [{ name: 'regcred' }] }]) {
      const { name, ...rest } = sa;
      assert.equal((await api.request('POST', `${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name }, ...rest })).status, 201);
    }
  });
  after(() => api.stop());

  const createPod = async (name: string, spec: Record<string, unknown> = {}, query = '') => {
    const r = await api.request('POST', `${ns}/pods${query}`, { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } });
    assert.equal(r.status, 201, r.text);
    return r.body as Pod;
  };

  test('a pod gets the default account and the kube-api-access volume, mounted read-only in every container', async () => {
    const pod = await createPod('a', { initContainers: [{ name: 'i', image: 'busybox' }], containers: [{ name: 'c', image: 'busybox' }, { name: 'd', image: 'busybox', volumeMounts: [{ name: 'data', mountPath: '/data' }] }], volumes: [{ name: 'data', emptyDir: {} }] });
    assert.equal(pod.spec.serviceAccountName, 'default');
    const volume = pod.spec.volumes?.find((v) => v.name.startsWith('kube-api-access-'));
    assert.ok(volume);
    assert.match(volume.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(volume.projected, {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    });
    const mount = { name: volume.name, readOnly: true, mountPath };
    assert.deepEqual(pod.spec.initContainers?.[0]?.volumeMounts, [mount]);
    assert.deepEqual(pod.spec.containers[0]?.volumeMounts, [mount]);
    assert.deepEqual(pod.spec.containers[1]?.volumeMounts, [{ name: 'data', mountPath: '/data' }, mount]);
    // Stored as answered.
    assert.deepEqual((await api.get<Pod>(`${ns}/pods/a`)).spec.volumes, pod.spec.volumes);
  });

  test('automountServiceAccountToken: false on the pod or the account opts out; the pod wins over the account', async () => {
    assert.equal((await createPod('b', { automountServiceAccountToken: false })).spec.volumes, undefined);
    assert.equal((await createPod('c', { serviceAccountName: 'quiet' })).spec.volumes, undefined);
    const forced = await createPod('d', { serviceAccountName: 'quiet', automountServiceAccountToken: true });
    assert.equal(forced.spec.volumes?.filter((v) => v.name.startsWith('kube-api-access-')).length, 1);
  });

  test('a container with its own mount at the token path keeps it; an existing kube-api-access volume is reused', async () => {
    const own = await createPod('e', {
      containers: [{ name: 'c', image: 'busybox', volumeMounts: [{ name: 'mine', mountPath }] }],
      volumes: [{ name: 'mine', emptyDir: {} }],
    });
    assert.deepEqual(own.spec.volumes?.map((v) => v.name), ['mine'], 'no container needs the token volume');
    const reused = await createPod('f', {
      containers: [{ name: 'c', image: 'busybox' }],
      volumes: [{ name: 'kube-api-access-zzzzz', emptyDir: {} }],
    });
    assert.deepEqual(reused.spec.volumes?.map((v) => v.name), ['kube-api-access-zzzzz']);
    assert.deepEqual(reused.spec.containers[0]?.volumeMounts, [{ name: 'kube-api-access-zzzzz', readOnly: true, mountPath }]);
  });

  test('the account\'s image pull secrets go to a pod that names none', async () => {
    assert.deepEqual((await createPod('g', { serviceAccountName: 'puller' })).spec.imagePullSecrets, [{ name: 'regcred' }]);
    assert.deepEqual((await createPod('h', { serviceAccountName: 'puller', imagePullSecrets: [{ name: 'own' }] })).spec.imagePullSecrets, [{ name: 'own' }]);
  });

  test('a projected serviceAccountToken defaults to an hour and is validated as upstream', async () => {
    const projected = (token: Record<string, unknown>) => ({ automountServiceAccountToken: false, volumes: [{ name: 't', projected: { sources: [{ serviceAccountToken: token }] } }] });
    const pod = await createPod('k', projected({ audience: 'vault', path: 'vault-token' }));
    assert.deepEqual(pod.spec.volumes?.[0]?.projected, { defaultMode: 420, sources: [{ serviceAccountToken: { audience: 'vault', path: 'vault-token', expirationSeconds: 3600 } }] });
    const r = await api.request('POST', `${ns}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'l' }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...projected({ expirationSeconds: 599 }) } });
    assert.equal(r.status, 422);
    assert.equal(
      (r.body as { message: string }).message,
      'Pod "l" is invalid: [spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes, spec.volumes[0].projected.path: Required value]',
    );
  });

  test('a dry run shows the volume; a pod of an account that does not exist is admitted without one', async () => {
    const dry = await createPod('i', {}, '?dryRun=All');
    assert.equal(dry.spec.volumes?.length, 1);
    const orphan = await createPod('j', { serviceAccountName: 'nobody' });
    assert.equal(orphan.spec.volumes, undefined);
  });
});
