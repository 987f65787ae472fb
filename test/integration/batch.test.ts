import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';
import { kubectlAsync as kubectl, kubectlAsyncOK as kubectlOK } from '../support/kubectl.js';

// batch/v1, policy/v1, coordination.k8s.io/v1 and discovery.k8s.io/v1 served
// from their ResourceDefs alone, driven by real kubectl (async: the API
// server runs in this process).

type Obj = { metadata: { name: string; uid: string; labels?: Record<string, string> }; spec: Record<string, unknown>; [k: string]: unknown };

/** The header line of each table kubectl printed, words split on runs of spaces. */
const headers = (out: string) => out.split('\n').filter((l) => l.startsWith('NAME')).map((l) => l.trim().split(/\s{2,}/));
/** The row of `name` (its first cell may carry a `kind/` prefix), split as the headers. */
const row = (out: string, name: string) => out.split('\n').find((l) => l.split(/\s+/)[0]?.replace(/^.*\//, '') === name)?.trim().split(/\s{2,}/);

const manifest = `
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: web-pdb }
spec:
  minAvailable: 50%
  selector: { matchLabels: { app: web } }
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: { name: leader }
spec: { holderIdentity: node-1, leaseDurationSeconds: 15 }
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: web-abc, labels: { kubernetes.io/service-name: web } }
addressType: IPv4
ports: [{ name: http, port: 80 }]
endpoints:
- addresses: [10.42.0.5]
  conditions: { ready: true }
- addresses: [10.42.0.6]
`;

describe('batch, policy, coordination and discovery through real kubectl', () => {
  let api: TestAPIServer;
  const get = (path: string): Promise<Obj> => api.get<Obj>(path);
  before(async () => {
    api = await startTestAPIServer();
  });
  after(async () => {
    await api.stop();
  });

  test('kubectl create job: protobuf body, upstream defaults, selector and labels from the uid', async () => {
    await kubectlOK(api.kubeconfig, ['create', 'job', 'j', '--image=busybox', '--', 'echo', 'hi']);
    const j = await get('/apis/batch/v1/namespaces/default/jobs/j');
    const uid = j.metadata.uid;
    assert.ok(uid);
    const generated = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': 'j', 'controller-uid': uid, 'job-name': 'j' };
    assert.deepEqual(j.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    assert.deepEqual(j.metadata.labels, generated);
    const template = j.spec.template as { metadata: { labels: unknown }; spec: { restartPolicy: string; containers: { command: string[] }[] } };
    assert.deepEqual(template.metadata.labels, generated);
    assert.equal(template.spec.restartPolicy, 'Never');
    assert.deepEqual(template.spec.containers[0]?.command, ['echo', 'hi']);
    for (const [k, v] of Object.entries({ parallelism: 1, completions: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatingOrFailed' }))
      assert.deepEqual(j.spec[k], v, k);
  });

  test('kubectl create cronjob: upstream defaults', async () => {
    await kubectlOK(api.kubeconfig, ['create', 'cronjob', 'c', '--image=busybox', '--schedule=*/5 * * * *', '--', 'echo', 'hi']);
    const c = await get('/apis/batch/v1/namespaces/default/cronjobs/c');
    for (const [k, v] of Object.entries({ schedule: '*/5 * * * *', concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 }))
      assert.deepEqual(c.spec[k], v, k);
  });

  test('kubectl apply: a PDB, a Lease and an EndpointSlice', async () => {
    const file = join(api.dataDir, 'objects.yaml');
    writeFileSync(file, manifest);
    const out = await kubectlOK(api.kubeconfig, ['apply', '-f', file]);
    assert.match(out, /poddisruptionbudget\.policy\/web-pdb created/);
    assert.match(out, /lease\.coordination\.k8s\.io\/leader created/);
    assert.match(out, /endpointslice\.discovery\.k8s\.io\/web-abc created/);
    // As against upstream, kubectl always patches a PDB's selector (patchStrategy "replace") and an
    // EndpointSlice's atomic ports (the server defaulted their protocol); only the Lease is "unchanged".
    const again = await kubectlOK(api.kubeconfig, ['apply', '-f', file]);
    assert.match(again, /lease\.coordination\.k8s\.io\/leader unchanged/);
    const pdb = await get('/apis/policy/v1/namespaces/default/poddisruptionbudgets/web-pdb');
    assert.equal((pdb.metadata as { generation?: number }).generation, 1);
    const eps = await get('/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/web-abc');
    assert.deepEqual(eps.ports, [{ name: 'http', port: 80, protocol: 'TCP' }]);
  });

  test('kubectl get jobs,cronjobs,pdb,leases,endpointslices: upstream columns', async () => {
    const out = await kubectlOK(api.kubeconfig, ['get', 'jobs,cronjobs,pdb,leases,endpointslices']);
    assert.deepEqual(headers(out), [
      ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE'],
      ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE'],
      ['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'AGE'],
      ['NAME', 'HOLDER', 'AGE'],
      ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE'],
    ]);
    assert.deepEqual(row(out, 'j')?.slice(0, 3), ['job.batch/j', 'Running', '0/1']);
    assert.deepEqual(row(out, 'c')?.slice(0, 6), ['cronjob.batch/c', '*/5 * * * *', '<none>', 'False', '0', '<none>']);
    assert.deepEqual(row(out, 'web-pdb')?.slice(0, 4), ['poddisruptionbudget.policy/web-pdb', '50%', 'N/A', '0']);
    assert.deepEqual(row(out, 'leader')?.slice(0, 2), ['lease.coordination.k8s.io/leader', 'node-1']);
    assert.deepEqual(row(out, 'web-abc')?.slice(0, 4), ['endpointslice.discovery.k8s.io/web-abc', 'IPv4', '80', '10.42.0.5,10.42.0.6']);
    const wide = await kubectlOK(api.kubeconfig, ['get', 'jobs', '-o', 'wide']);
    assert.deepEqual(headers(wide), [['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']]);
    assert.match(row(wide, 'j')?.at(-1) ?? '', /^batch\.kubernetes\.io\/controller-uid=[0-9a-f-]{36}$/);
    const cj = await kubectlOK(api.kubeconfig, ['get', 'cj', '-o', 'wide']);
    assert.deepEqual(row(cj, 'c')?.slice(-3), ['c', 'busybox', '<none>']);
  });

  test('kubectl get all includes jobs and cronjobs; short names resolve', async () => {
    const out = await kubectlOK(api.kubeconfig, ['get', 'all']);
    assert.match(out, /^job\.batch\/j\s/m);
    assert.match(out, /^cronjob\.batch\/c\s/m);
    assert.doesNotMatch(out, /poddisruptionbudget|lease|endpointslice/);
    assert.match(await kubectlOK(api.kubeconfig, ['get', 'pdb']), /^web-pdb\s/m);
    assert.match(await kubectlOK(api.kubeconfig, ['get', 'jobs', '--field-selector', 'status.successful=0']), /^j\s/m);
  });

  test('a bad cron schedule is a 422 with upstream message', async () => {
    const r = await kubectl(api.kubeconfig, ['create', 'cronjob', 'bad', '--image=busybox', '--schedule=61 * * * *']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /CronJob\.batch "bad" is invalid: spec\.schedule: Invalid value: "61 \* \* \* \*": end of range \(61\) above maximum \(59\): 61/);
    const raw = await api.request('POST', '/apis/batch/v1/namespaces/default/cronjobs', {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'bad' },
      spec: { schedule: 'every day', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } } },
    });
    assert.equal(raw.status, 422, raw.text);
    assert.match(raw.text, /expected exactly 5 fields, found 2: \[every day\]/);
  });

  test('a job whose pods would restart Always is a 422', async () => {
    const r = await api.request('POST', '/apis/batch/v1/namespaces/default/jobs', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'always' },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    });
    assert.equal(r.status, 422, r.text);
    assert.match(r.text, /spec\.template\.spec\.restartPolicy: Required value: valid values: \\"OnFailure\\", \\"Never\\"/);
  });
});
