import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { deployments, replicaSets } from '../../src/api/apps/index.js';
import { pods } from '../../src/api/core/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { Client, credentialsFromKubeconfig } from '../../src/client/index.js';
import { fakeKubelet, waitFor } from '../support/controllers.js';
import { kubectlAsync as kubectl, kubectlAsyncOK as kubectlOK } from '../support/kubectl.js';
import { startSkiff, type SkiffProcess } from '../support/skiff.js';

// `kubectl rollout status|history|undo|pause|resume|restart` and `kubectl
// scale` against `skiff server`, whose controller manager runs the
// Deployment and ReplicaSet controllers. A stand-in kubelet in this process
// reports the pods ready (no kubelets exist yet).

type Deploy = KubeObject & { spec: { template: { spec: { containers: { image: string }[] }; metadata: { annotations?: Record<string, string> } } } };

const manifest = (image: string) => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations: { kubernetes.io/change-cause: "deploy ${image}" }
spec:
  replicas: 3
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: c, image: "${image}" }] }
`;

describe('kubectl rollout and scale on a Deployment', () => {
  let skiff: SkiffProcess;
  let client: Client;
  const kubelet = new AbortController();
  let kubeletDone: Promise<void> = Promise.resolve();
  before(async () => {
    skiff = await startSkiff();
    client = new Client(credentialsFromKubeconfig(skiff.kubeconfig));
    kubeletDone = fakeKubelet(client, kubelet.signal);
  });
  after(async () => {
    kubelet.abort();
    await kubeletDone;
    client.close();
    await skiff.cleanup();
  });

  const k = (...args: string[]) => kubectlOK(skiff.kubeconfig, args);
  const apply = async (image: string) => {
    const file = join(skiff.dataDir, `web-${image.replace(/\W/g, '_')}.yaml`);
    writeFileSync(file, manifest(image));
    await k('apply', '-f', file);
  };
  const image = async () => (await client.get<Deploy>(deployments, 'default', 'web')).spec.template.spec.containers[0]?.image;
  const podImages = async () => (await client.list<KubeObject & { spec: { containers: { image: string }[] } }>(pods, 'default', { labelSelector: 'app=web' })).items.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.spec.containers[0]?.image);

  test('rollout status waits for the rollout; history lists revisions with their change-cause; undo restores the previous template', async () => {
    await apply('nginx:1.25');
    assert.match(await k('rollout', 'status', 'deployment/web', '--timeout=60s'), /deployment "web" successfully rolled out/);
    await apply('nginx:1.26');
    assert.match(await k('rollout', 'status', 'deployment/web', '--timeout=60s'), /successfully rolled out/);
    assert.deepEqual(await podImages(), ['nginx:1.26', 'nginx:1.26', 'nginx:1.26']);

    const history = await k('rollout', 'history', 'deployment/web');
    assert.match(history, /REVISION\s+CHANGE-CAUSE/);
    assert.match(history, /\n1\s+deploy nginx:1\.25\n/);
    assert.match(history, /\n2\s+deploy nginx:1\.26\n/);
    assert.match(await k('rollout', 'history', 'deployment/web', '--revision=1'), /Image:\s+nginx:1\.25/);

    assert.match(await k('rollout', 'undo', 'deployment/web'), /deployment.apps\/web rolled back/);
    assert.match(await k('rollout', 'status', 'deployment/web', '--timeout=60s'), /successfully rolled out/);
    assert.equal(await image(), 'nginx:1.25');
    await waitFor('pods of the restored template', async () => (await podImages()).join() === 'nginx:1.25,nginx:1.25,nginx:1.25');
    // The old ReplicaSet came back as revision 3; its earlier number is in revision-history.
    const rss = (await client.list(replicaSets, 'default', { labelSelector: 'app=web' })).items;
    const restored = rss.find((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === '3');
    assert.equal(restored?.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    assert.equal(rss.length, 2);
    assert.match(await k('rollout', 'history', 'deployment/web'), /\n2\s+deploy nginx:1\.26\n3\s+deploy nginx:1\.25\n/);
  });

  test('pause holds a template change back until resume; restart rolls out anew; scale resizes', async () => {
    assert.match(await k('rollout', 'pause', 'deployment/web'), /deployment.apps\/web paused/);
    await k('set', 'image', 'deployment/web', 'c=nginx:1.27');
    await waitFor('the Deployment paused', async () => {
      const d = await client.get<Deploy & { status?: { conditions?: { type: string; reason?: string }[] } }>(deployments, 'default', 'web');
      return d.status?.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'DeploymentPaused');
    });
    assert.deepEqual(await podImages(), ['nginx:1.25', 'nginx:1.25', 'nginx:1.25']);
    const undoPaused = await kubectl(skiff.kubeconfig, ['rollout', 'undo', 'deployment/web']);
    assert.notEqual(undoPaused.code, 0);
    assert.match(undoPaused.stderr, /you cannot rollback a paused deployment; resume it first/);
    assert.match(await k('rollout', 'resume', 'deployment/web'), /deployment.apps\/web resumed/);
    assert.match(await k('rollout', 'status', 'deployment/web', '--timeout=60s'), /successfully rolled out/);
    assert.deepEqual(await podImages(), ['nginx:1.27', 'nginx:1.27', 'nginx:1.27']);

    const before = (await client.list(replicaSets, 'default', { labelSelector: 'app=web' })).items.length;
    assert.match(await k('rollout', 'restart', 'deployment/web'), /deployment.apps\/web restarted/);
    assert.match(await k('rollout', 'status', 'deployment/web', '--timeout=60s'), /successfully rolled out/);
    const d = await client.get<Deploy>(deployments, 'default', 'web');
    assert.ok(d.spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']);
    assert.equal((await client.list(replicaSets, 'default', { labelSelector: 'app=web' })).items.length, before + 1);

    assert.match(await k('scale', 'deployment/web', '--replicas=5'), /deployment.apps\/web scaled/);
    assert.match(await k('rollout', 'status', 'deployment/web', '--timeout=60s'), /successfully rolled out/);
    assert.equal((await podImages()).length, 5);
    const out = await k('get', 'deployment/web');
    assert.match(out, /web\s+5\/5\s+5\s+5\s/);
  });
});
