import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';
import { kubectlAsync as kubectl, kubectlAsyncOK as kubectlOK } from '../support/kubectl.js';

// apps/v1 served from its ResourceDefs alone, driven by real kubectl (async:
// the API server runs in this process).

type Obj = { metadata: { name: string; generation?: number; labels?: Record<string, string> }; spec: Record<string, unknown>; [k: string]: unknown };

/** The header line of each table kubectl printed, words split on runs of spaces. */
const headers = (out: string) => out.split('\n').filter((l) => l.startsWith('NAME')).map((l) => l.trim().split(/\s{2,}/));

const manifest = (image: string, replicas: number) => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: api }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec: { containers: [{ name: api, image: "${image}", ports: [{ containerPort: 8080 }] }] }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec:
  serviceName: db
  replicas: ${replicas}
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec: { containers: [{ name: db, image: "${image}" }] }
  volumeClaimTemplates:
  - metadata: { name: data }
    spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec:
      nodeSelector: { kubernetes.io/os: linux }
      containers: [{ name: agent, image: "${image}" }]
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: { name: cache }
spec:
  replicas: ${replicas}
  selector: { matchExpressions: [{ key: app, operator: In, values: [cache] }] }
  template:
    metadata: { labels: { app: cache } }
    spec: { containers: [{ name: cache, image: "${image}" }] }
`;

describe('apps/v1 through real kubectl', () => {
  let api: TestAPIServer;
  const get = (path: string): Promise<Obj> => api.get<Obj>(path);
  const apply = async (text: string) => {
    const file = join(api.dataDir, 'apps.yaml');
    writeFileSync(file, text);
    return kubectlOK(api.kubeconfig, ['apply', '-f', file]);
  };
  before(async () => {
    api = await startTestAPIServer();
  });
  after(async () => {
    await api.stop();
  });

  test('kubectl create deployment (protobuf body) gets upstream defaults', async () => {
    await kubectlOK(api.kubeconfig, ['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=3']);
    const d = await get('/apis/apps/v1/namespaces/default/deployments/web');
    assert.equal(d.metadata.generation, 1);
    assert.deepEqual(d.metadata.labels, { app: 'web' });
    assert.equal(d.spec.replicas, 3);
    assert.deepEqual(d.spec.selector, { matchLabels: { app: 'web' } });
    assert.deepEqual(d.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    assert.equal(d.spec.revisionHistoryLimit, 10);
    assert.equal(d.spec.progressDeadlineSeconds, 600);
    const pod = (d.spec.template as { spec: Record<string, unknown> }).spec;
    assert.equal(pod.restartPolicy, 'Always');
    assert.deepEqual(pod.containers, [{ name: 'nginx', image: 'nginx:1.25', imagePullPolicy: 'IfNotPresent', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }]);
  });

  test('kubectl apply, edit, re-apply of Deployment, StatefulSet, DaemonSet, ReplicaSet', async () => {
    const first = await apply(manifest('nginx:1.25', 2));
    assert.match(first, /deployment\.apps\/api created/);
    assert.match(first, /statefulset\.apps\/db created/);
    assert.match(first, /daemonset\.apps\/agent created/);
    assert.match(first, /replicaset\.apps\/cache created/);
    const sts = await get('/apis/apps/v1/namespaces/default/statefulsets/db');
    assert.equal(sts.spec.podManagementPolicy, 'OrderedReady');
    assert.deepEqual(sts.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    assert.deepEqual(sts.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
    const ds = await get('/apis/apps/v1/namespaces/default/daemonsets/agent');
    assert.deepEqual(ds.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });

    const second = await apply(manifest('nginx:1.26', 4));
    assert.match(second, /deployment\.apps\/api configured/);
    assert.match(second, /statefulset\.apps\/db configured/);
    assert.match(second, /daemonset\.apps\/agent configured/);
    for (const [resource, name] of [['deployments', 'api'], ['statefulsets', 'db'], ['daemonsets', 'agent'], ['replicasets', 'cache']] as const) {
      const o = await get(`/apis/apps/v1/namespaces/default/${resource}/${name}`);
      assert.equal(o.metadata.generation, 2, `${resource}/${name} generation`);
      const containers = (o.spec.template as { spec: { containers: { image: string }[] } }).spec.containers;
      assert.equal(containers[0]?.image, 'nginx:1.26');
      if (resource !== 'daemonsets') assert.equal(o.spec.replicas, 4);
    }
    const unchanged = await apply(manifest('nginx:1.26', 4));
    assert.match(unchanged, /deployment\.apps\/api unchanged/);
    assert.equal((await get('/apis/apps/v1/namespaces/default/deployments/api')).metadata.generation, 2);
  });

  test('re-apply switching a deployment to Recreate drops rollingUpdate (retainKeys) and passes validation', async () => {
    const text = manifest('nginx:1.26', 4).split('---')[0] ?? '';
    await apply(text.replace('  replicas: 4', '  replicas: 4\n  strategy: { type: Recreate }'));
    const d = await get('/apis/apps/v1/namespaces/default/deployments/api');
    assert.deepEqual(d.spec.strategy, { type: 'Recreate' });
    assert.equal(d.metadata.generation, 3);
  });

  test('kubectl get deploy,rs,ds,sts prints upstream columns', async () => {
    const st = await api.request('PUT', '/apis/apps/v1/namespaces/default/deployments/web/status', {
      ...(await get('/apis/apps/v1/namespaces/default/deployments/web')),
      status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    });
    assert.equal(st.status, 200, st.text);
    const out = await kubectlOK(api.kubeconfig, ['get', 'deploy,rs,ds,sts']);
    assert.deepEqual(headers(out), [
      ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
      ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'],
      ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'],
      ['NAME', 'READY', 'AGE'],
    ]);
    assert.match(out, /^deployment\.apps\/web\s+2\/3\s+3\s+2\s+\S+$/m);
    assert.match(out, /^replicaset\.apps\/cache\s+4\s+0\s+0\s+\S+$/m);
    assert.match(out, /^daemonset\.apps\/agent\s+0\s+0\s+0\s+0\s+0\s+kubernetes\.io\/os=linux\s+\S+$/m);
    assert.match(out, /^statefulset\.apps\/db\s+0\/4\s+\S+$/m);
    const wide = await kubectlOK(api.kubeconfig, ['get', 'deploy,rs,ds,sts', '-o', 'wide']);
    assert.deepEqual(headers(wide), [
      ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR'],
      ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR'],
      ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR'],
      ['NAME', 'READY', 'AGE', 'CONTAINERS', 'IMAGES'],
    ]);
    assert.match(wide, /^deployment\.apps\/web\s+.*\s+nginx\s+nginx:1\.25\s+app=web$/m);
    assert.match(wide, /^replicaset\.apps\/cache\s+.*\s+cache\s+nginx:1\.26\s+app in \(cache\)$/m);
  });

  test('kubectl get all includes the workloads; controllerrevisions print their controller', async () => {
    const all = await kubectlOK(api.kubeconfig, ['get', 'all']);
    for (const name of ['deployment.apps/web', 'deployment.apps/api', 'replicaset.apps/cache', 'daemonset.apps/agent', 'statefulset.apps/db'])
      assert.match(all, new RegExp(`^${name.replace('.', '\\.')}\\s`, 'm'));
    const sts = await get('/apis/apps/v1/namespaces/default/statefulsets/db');
    const uid = (sts.metadata as { uid?: string }).uid ?? '';
    const cr = await api.request('POST', '/apis/apps/v1/namespaces/default/controllerrevisions', {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name: 'db-7f9c', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid, controller: true }] },
      data: { spec: { template: sts.spec.template } },
      revision: 1,
    });
    assert.equal(cr.status, 201, cr.text);
    const out = await kubectlOK(api.kubeconfig, ['get', 'controllerrevisions']);
    assert.deepEqual(headers(out), [['NAME', 'CONTROLLER', 'REVISION', 'AGE']]);
    assert.match(out, /^db-7f9c\s+statefulset\.apps\/db\s+1\s+\S+$/m);
  });

  test('discovery lists the apps kinds', async () => {
    const out = await kubectlOK(api.kubeconfig, ['api-resources', '--api-group=apps']);
    assert.match(out, /^controllerrevisions\s+apps\/v1\s+true\s+ControllerRevision$/m);
    assert.match(out, /^daemonsets\s+ds\s+apps\/v1\s+true\s+DaemonSet$/m);
    assert.match(out, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    assert.match(out, /^replicasets\s+rs\s+apps\/v1\s+true\s+ReplicaSet$/m);
    assert.match(out, /^statefulsets\s+sts\s+apps\/v1\s+true\s+StatefulSet$/m);
  });

  test('a selector that does not match the template is a 422 with upstream message', async () => {
    const bad = manifest('nginx:1.25', 1).split('---')[0]?.replace('name: api }', 'name: bad }').replace('matchLabels: { app: api }', 'matchLabels: { app: other }') ?? '';
    const file = join(api.dataDir, 'bad.yaml');
    writeFileSync(file, bad);
    const r = await kubectl(api.kubeconfig, ['apply', '-f', file]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The Deployment "bad" is invalid: spec\.template\.metadata\.labels: Invalid value: .*: `selector` does not match template `labels`/);
    const rest = await api.request('POST', '/apis/apps/v1/namespaces/default/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'bad' },
      spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'y' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    assert.equal(rest.status, 422);
    const status = rest.body as { reason: string; message: string; details: { group: string; kind: string; causes: { field: string }[] } };
    assert.equal(status.reason, 'Invalid');
    assert.equal(status.details.group, 'apps');
    assert.equal(status.details.kind, 'Deployment');
    assert.deepEqual(status.details.causes.map((c) => c.field), ['spec.template.metadata.labels']);
  });

  test('changing a deployment selector is refused (apps/v1)', async () => {
    const d = await get('/apis/apps/v1/namespaces/default/deployments/api');
    const r = await api.request('PUT', '/apis/apps/v1/namespaces/default/deployments/api', {
      ...d,
      spec: { ...d.spec, selector: { matchLabels: { app: 'api', v: '2' } }, template: { ...(d.spec.template as object), metadata: { labels: { app: 'api', v: '2' } } } },
    });
    assert.equal(r.status, 422, r.text);
    assert.match((r.body as { message: string }).message, /spec\.selector: Invalid value: .*: field is immutable/);
  });
});
