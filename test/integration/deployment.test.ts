import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deployments, replicaSets } from '../../src/api/apps/index.js';
import { events, pods } from '../../src/api/core/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import type { WatchEvent } from '../../src/client/index.js';
import { deploymentController } from '../../src/controllers/deployment/index.js';
import { replicaSetController } from '../../src/controllers/replicaset.js';
import { fakeKubelet, startControllers, waitFor, type ControllerHarness } from '../support/controllers.js';

type Cond = { type: string; status: string; reason?: string; message?: string };
type Pod = KubeObject & { spec: { containers: { image: string }[] }; status?: { conditions?: Cond[] } };
type RS = KubeObject & { spec: { replicas: number; template: { metadata: { labels: Record<string, string> } } }; status?: { replicas?: number } };
type Deploy = KubeObject & { spec: Record<string, unknown>; status?: { replicas?: number; updatedReplicas?: number; availableReplicas?: number; readyReplicas?: number; unavailableReplicas?: number; observedGeneration?: number; conditions?: Cond[] } };
type Ev = KubeObject & { reason: string; message: string; involvedObject: { name: string; kind: string } };

let h: ControllerHarness;
const kubelet = new AbortController();
let kubeletDone: Promise<void>;
before(async () => {
  h = await startControllers([replicaSetController, deploymentController]);
  // Pods of `stuck` never become ready: that Deployment's rollout must time out.
  kubeletDone = fakeKubelet(h.client, kubelet.signal, (p) => p.metadata.labels?.app !== 'stuck');
});
after(async () => {
  kubelet.abort();
  await kubeletDone;
  await h.stop();
});

const deployment = (name: string, replicas: number, image: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default' },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } }, ...extra },
});
const getD = (name: string) => h.client.get<Deploy>(deployments, 'default', name);
const rsOf = async (name: string) => (await h.client.list<RS>(replicaSets, 'default', { labelSelector: `app=${name}` })).items;
const cond = (d: Deploy, type: string) => d.status?.conditions?.find((c) => c.type === type);
const complete = async (name: string, replicas: number, image: string) =>
  waitFor(`${name} rolled out with ${image}`, async () => {
    const d = await getD(name);
    const ok = d.status?.observedGeneration === d.metadata.generation && d.status?.updatedReplicas === replicas && d.status.replicas === replicas && d.status.availableReplicas === replicas && cond(d, 'Progressing')?.reason === 'NewReplicaSetAvailable';
    const ps = (await h.client.list<Pod>(pods, 'default', { labelSelector: `app=${name}` })).items;
    return ok && ps.length === replicas && ps.every((p) => p.spec.containers[0]?.image === image) && d;
  });
const eventsOf = async (name: string, reason: string) => (await h.client.list<Ev>(events, 'default')).items.filter((e) => e.involvedObject.name === name && e.reason === reason);

describe('Deployment controller', () => {
  test('creates a ReplicaSet <name>-<pod-template-hash> with revision 1 and reports the Deployment available', async () => {
    await h.client.create(deployments, 'default', deployment('web', 3, 'nginx:1'));
    const d = await complete('web', 3, 'nginx:1');
    const [rs] = await rsOf('web');
    assert.ok(rs);
    const hash = rs.metadata.labels?.['pod-template-hash'];
    assert.ok(hash);
    assert.equal(rs.metadata.name, `web-${hash}`);
    assert.equal(rs.spec.template.metadata.labels['pod-template-hash'], hash);
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    assert.equal(rs.metadata.annotations['deployment.kubernetes.io/desired-replicas'], '3');
    assert.equal(rs.metadata.annotations['deployment.kubernetes.io/max-replicas'], '4');
    assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    assert.deepEqual(cond(d, 'Available'), { ...cond(d, 'Available'), status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    assert.equal(cond(d, 'Progressing')?.message, `ReplicaSet "web-${hash}" has successfully progressed.`);
    assert.equal(d.status?.readyReplicas, 3);
    assert.deepEqual((await eventsOf('web', 'ScalingReplicaSet')).map((e) => e.message), [`Scaled up replica set web-${hash} from 0 to 3`]);
  });

  test('a RollingUpdate never has fewer than replicas - maxUnavailable ready pods (checked on every pod watch event)', async () => {
    const replicas = 4;
    const maxUnavailable = 1;
    await h.client.create(deployments, 'default', deployment('roll', replicas, 'nginx:1', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable } } }));
    await complete('roll', replicas, 'nginx:1');
    const seen = new Map<string, Pod>();
    const list = await h.client.list<Pod>(pods, 'default', { labelSelector: 'app=roll' });
    for (const p of list.items) seen.set(p.metadata.name ?? '', p);
    const readyCount = () => [...seen.values()].filter((p) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    let low = Infinity;
    let eventsSeen = 0;
    const ac = new AbortController();
    const watching = h.client.watch<Pod>(pods, 'default', { labelSelector: 'app=roll', resourceVersion: list.metadata.resourceVersion }, (e: WatchEvent<Pod>) => {
      eventsSeen++;
      if (e.type === 'DELETED') seen.delete(e.object.metadata.name ?? '');
      else seen.set(e.object.metadata.name ?? '', e.object);
      low = Math.min(low, readyCount());
    }, ac.signal);
    try {
      await h.client.patch(deployments, 'default', 'roll', { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } } }, 'strategic');
      const d = await complete('roll', replicas, 'nginx:2');
      await waitFor('the watch to catch up', () => seen.size === replicas && readyCount() === replicas);
      assert.ok(eventsSeen > 2 * replicas, `saw ${eventsSeen} pod events`);
      assert.ok(low >= replicas - maxUnavailable, `ready pods dropped to ${low}`);
      assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
      const rss = await rsOf('roll');
      assert.equal(rss.length, 2);
      const old = rss.find((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === '1');
      assert.equal(old?.spec.replicas, 0);
      const downs = (await eventsOf('roll', 'ScalingReplicaSet')).filter((e) => e.message.startsWith(`Scaled down replica set ${old.metadata.name ?? ''}`));
      assert.ok(downs.length > 0);
    } finally {
      ac.abort();
      await watching.catch(() => {});
    }
  });

  test('Recreate deletes every old pod before it creates a new one', async () => {
    await h.client.create(deployments, 'default', deployment('rec', 3, 'nginx:1', { strategy: { type: 'Recreate' } }));
    await complete('rec', 3, 'nginx:1');
    const live = new Map<string, Pod>();
    const list = await h.client.list<Pod>(pods, 'default', { labelSelector: 'app=rec' });
    for (const p of list.items) live.set(p.metadata.name ?? '', p);
    let mixed = false;
    const ac = new AbortController();
    const watching = h.client.watch<Pod>(pods, 'default', { labelSelector: 'app=rec', resourceVersion: list.metadata.resourceVersion }, (e) => {
      if (e.type === 'DELETED') live.delete(e.object.metadata.name ?? '');
      else live.set(e.object.metadata.name ?? '', e.object);
      const images = new Set([...live.values()].map((p) => p.spec.containers[0]?.image));
      if (images.size > 1) mixed = true;
    }, ac.signal);
    try {
      await h.client.patch(deployments, 'default', 'rec', { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } } }, 'strategic');
      await complete('rec', 3, 'nginx:2');
      assert.equal(mixed, false);
    } finally {
      ac.abort();
      await watching.catch(() => {});
    }
  });

  test('a paused Deployment rolls nothing out until resumed, and says so in Progressing', async () => {
    await h.client.create(deployments, 'default', deployment('pause', 2, 'nginx:1'));
    await complete('pause', 2, 'nginx:1');
    await h.client.patch(deployments, 'default', 'pause', { spec: { paused: true, template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } } }, 'strategic');
    const d = await waitFor('DeploymentPaused', async () => {
      const x = await getD('pause');
      return cond(x, 'Progressing')?.reason === 'DeploymentPaused' && x;
    });
    assert.equal(cond(d, 'Progressing')?.status, 'Unknown');
    assert.equal(cond(d, 'Progressing')?.message, 'Deployment is paused');
    assert.equal((await rsOf('pause')).length, 1);
    await h.client.patch(deployments, 'default', 'pause', { spec: { paused: false } });
    await complete('pause', 2, 'nginx:2');
    assert.equal((await rsOf('pause')).length, 2);
  });

  test('keeps revisionHistoryLimit old ReplicaSets', async () => {
    await h.client.create(deployments, 'default', deployment('hist', 1, 'nginx:1', { revisionHistoryLimit: 1 }));
    for (const v of ['1', '2', '3']) {
      if (v !== '1') await h.client.patch(deployments, 'default', 'hist', { spec: { template: { spec: { containers: [{ name: 'c', image: `nginx:${v}` }] } } } }, 'strategic');
      await complete('hist', 1, `nginx:${v}`);
    }
    const rss = await waitFor('two ReplicaSets left', async () => {
      const x = await rsOf('hist');
      return x.length === 2 && x;
    });
    assert.deepEqual(rss.map((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision']).sort(), ['2', '3']);
  });

  test('scaling resizes the ReplicaSet; a rollout that makes no progress exceeds its deadline', async () => {
    await h.client.create(deployments, 'default', deployment('scale', 2, 'nginx:1'));
    await complete('scale', 2, 'nginx:1');
    await h.client.patch(deployments, 'default', 'scale', { spec: { replicas: 5 } });
    await complete('scale', 5, 'nginx:1');
    const [rs] = await rsOf('scale');
    assert.equal(rs?.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '5');
    assert.ok((await eventsOf('scale', 'ScalingReplicaSet')).some((e) => e.message === `Scaled up replica set ${rs.metadata.name ?? ''} from 2 to 5`));

    await h.client.create(deployments, 'default', deployment('stuck', 1, 'nginx:1', { progressDeadlineSeconds: 1 }));
    const d = await waitFor('ProgressDeadlineExceeded', async () => {
      const x = await getD('stuck');
      return cond(x, 'Progressing')?.reason === 'ProgressDeadlineExceeded' && x;
    });
    assert.equal(cond(d, 'Progressing')?.status, 'False');
    assert.match(cond(d, 'Progressing')?.message ?? '', /^ReplicaSet "stuck-[a-z0-9]+" has timed out progressing\.$/);
    assert.equal(cond(d, 'Available')?.reason, 'MinimumReplicasUnavailable');
    assert.equal(d.status?.unavailableReplicas, 1);
  });
});
