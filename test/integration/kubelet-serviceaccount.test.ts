// A pod on a real containerd gets its service account token, the cluster
// CA and its namespace in the kube-api-access volume, and the token is its
// identity. Needs the containerd runtime; skipped without it, except CI.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { nodes, pods, serviceAccounts } from '../../src/api/core/index.js';
import { Client, credentialsFromKubeconfig, sleep } from '../../src/client/index.js';
import { newRootCACertPublisher, newServiceAccountController } from '../../src/controllers/serviceaccount.js';
import { runKubelet } from '../../src/kubelet/kubelet.js';
import { podLogDirectory } from '../../src/kubelet/pod/sandbox.js';
import type { Pod } from '../../src/kubelet/pod/types.js';
import { startTestAPIServer } from '../support/apiserver.js';
import { skipWithoutRuntime, startTestRuntime } from '../support/containerd.js';
import { runControllers, waitFor } from '../support/controllers.js';
import { jsonRequest } from '../support/https.js';

const NODE = 'satoken-node';

test('a pod on containerd reads its service account token, CA and namespace, and the token is its identity', async (t) => {
  if (skipWithoutRuntime(t)) return;
  const api = await startTestAPIServer();
  const cms = runControllers(api, [newServiceAccountController(), newRootCACertPublisher()]);
  const client = new Client(credentialsFromKubeconfig(api.kubeconfig));
  const abort = new AbortController();
  let kubelet: Promise<void> | undefined;
  const rt = await startTestRuntime();
  try {
    await waitFor('default SA', () => client.get(serviceAccounts, 'default', 'default'));
    await client.create(nodes, '', { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE }, spec: { podCIDR: rt.subnet } });
    kubelet = runKubelet({ client, nodeName: NODE, cri: rt.cri, dataDir: rt.dataDir, nodeIP: '127.0.0.1', cgroupRoot: rt.cgroupParent, resyncMs: 500 }, abort.signal);
    const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
    await client.create(pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'reader' }, spec: { nodeName: NODE, restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:test', command: ['sh', '-c', `cat ${sa}/namespace; echo; cat ${sa}/token; echo; grep -c BEGIN ${sa}/ca.crt; touch ${sa}/x 2>/dev/null || echo read-only`] }] } });
    let done: Pod | undefined;
    for (let i = 0; i < 600 && !done; i++) {
      const p = await client.get<Pod>(pods, 'default', 'reader');
      if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') done = p;
      else await sleep(100);
    }
    assert.ok(done);
    assert.equal(done.status?.phase, 'Succeeded', JSON.stringify(done.status));
    const log = join(podLogDirectory(rt.dataDir, done), 'main', '0.log');
    assert.ok(existsSync(log));
    const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => l.split(' ').slice(3).join(' '));
    assert.equal(lines[0], 'default');
    assert.equal(lines[2], '1');
    assert.equal(lines[3], 'read-only');
    const token = lines[1] ?? '';
    const r = await jsonRequest(`${api.server.url}/apis/authentication.k8s.io/v1/selfsubjectreviews`, { ca: api.server.caCert }, 'POST', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: {} }, { Authorization: `Bearer ${token}` });
    assert.equal((r.body as { status: { userInfo: { username: string } } }).status.userInfo.username, 'system:serviceaccount:default:default');
  } finally {
    abort.abort();
    await kubelet;
    await rt.cleanup();
    await cms.stop();
    client.close();
    await api.stop();
  }
});
