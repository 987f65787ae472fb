import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pods } from '../../src/api/core/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { Client, credentialsFromKubeconfig } from '../../src/client/index.js';
import { fakeKubelet, waitFor } from '../support/controllers.js';
import { kubectlAsyncOK as kubectlOK } from '../support/kubectl.js';
import { startSkiff, type SkiffProcess } from '../support/skiff.js';

// DaemonSets and StatefulSets keep their history as ControllerRevisions:
// `kubectl rollout status|history|undo` read and apply them against
// `skiff server`. A stand-in kubelet here reports the pods ready.

const manifest = (image: string) => `
apiVersion: v1
kind: Node
metadata: { name: node-a, labels: { pool: a } }
---
apiVersion: v1
kind: Node
metadata: { name: node-b, labels: { pool: a } }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, annotations: { kubernetes.io/change-cause: "agent ${image}" } }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec: { nodeSelector: { pool: a }, containers: [{ name: c, image: "${image}" }] }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, annotations: { kubernetes.io/change-cause: "db ${image}" } }
spec:
  serviceName: db
  replicas: 2
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec: { containers: [{ name: c, image: "${image}" }] }
`;

describe('kubectl rollout on DaemonSets and StatefulSets', () => {
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
    const file = join(skiff.dataDir, `m-${image.replace(/\W/g, '_')}.yaml`);
    writeFileSync(file, manifest(image));
    await k('apply', '-f', file);
  };
  const images = async (app: string) =>
    (await client.list<KubeObject & { spec: { containers: { image: string }[] } }>(pods, 'default', { labelSelector: `app=${app}` })).items
      .filter((p) => !p.metadata.deletionTimestamp)
      .map((p) => p.spec.containers[0]?.image)
      .join(',');

  test('status waits for the rollout, history lists the revisions, undo restores the previous template', async () => {
    await apply('v1');
    assert.match(await k('rollout', 'status', 'daemonset/agent', '--timeout=60s'), /daemon set "agent" successfully rolled out/);
    assert.match(await k('rollout', 'status', 'statefulset/db', '--timeout=60s'), /partitioned roll out complete: 2 new pods have been updated/);
    await apply('v2');
    assert.match(await k('rollout', 'status', 'daemonset/agent', '--timeout=60s'), /successfully rolled out/);
    assert.match(await k('rollout', 'status', 'statefulset/db', '--timeout=60s'), /partitioned roll out complete: 2 new pods/);
    assert.equal(await images('agent'), 'v2,v2');
    assert.equal(await images('db'), 'v2,v2');

    for (const [kind, name] of [['daemonset', 'agent'], ['statefulset', 'db']] as const) {
      const history = await k('rollout', 'history', `${kind}/${name}`);
      assert.match(history, new RegExp(`\\n1\\s+${name} v1\\n2\\s+${name} v2\\n`));
      assert.match(await k('rollout', 'history', `${kind}/${name}`, '--revision=1'), /Image:\s+v1/);
      assert.match(await k('rollout', 'undo', `${kind}/${name}`), new RegExp(`${kind}.apps/${name} rolled back`));
      await k('rollout', 'status', `${kind}/${name}`, '--timeout=60s');
      await waitFor(`${name}'s pods back at v1`, async () => (await images(name)) === 'v1,v1');
      // The restored template is revision 3: the old revision renumbered, not a copy.
      assert.match(await k('rollout', 'history', `${kind}/${name}`), /\n2\s+\S+ v2\n3\s+\S+ v1\n\s*$/);
    }
  });
});
