import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/meta.js';
import { batchPrinters } from './batch.js';
import { policyPrinters } from './policy.js';
import { coordinationPrinters } from './coordination.js';
import { discoveryPrinters } from './discovery.js';

const now = new Date('2024-01-01T01:00:00Z');
const meta = { name: 'x', creationTimestamp: '2024-01-01T00:00:00Z' };
const obj = (kind: string, fields: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind, metadata: meta, ...fields });
const names = (p: { columns: readonly { name: string }[] }) => p.columns.map((c) => c.name);

void test('job and cronjob columns and cells as upstream', () => {
  const job = batchPrinters.Job;
  const cron = batchPrinters.CronJob;
  assert.ok(job && cron);
  assert.deepEqual(names(job), ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers', 'Images', 'Selector']);
  const j = obj('Job', {
    spec: { completions: 1, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u' } }, template: { spec: { containers: [{ name: 'j', image: 'busybox' }] } } },
    status: { succeeded: 1, startTime: '2024-01-01T00:00:00Z', completionTime: '2024-01-01T00:00:07Z', conditions: [{ type: 'Complete', status: 'True' }] },
  });
  assert.deepEqual(job.row(j, now), ['x', 'Complete', '1/1', '7s', '60m', 'j', 'busybox', 'batch.kubernetes.io/controller-uid=u']);
  assert.deepEqual(job.row(obj('Job', { spec: { parallelism: 3 } }), now).slice(1, 4), ['Running', '0/1 of 3', '']);
  assert.equal(job.row(obj('Job', { spec: {}, status: { conditions: [{ type: 'Suspended', status: 'True' }] } }), now)[1], 'Suspended');
  assert.deepEqual(names(cron), ['Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age', 'Containers', 'Images', 'Selector']);
  const c = obj('CronJob', { spec: { schedule: '*/5 * * * *', suspend: false, jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } } } } });
  assert.deepEqual(cron.row(c, now), ['x', '*/5 * * * *', '<none>', 'False', 0, '<none>', '60m', 'c', 'busybox', '<none>']);
});

void test('pdb, lease and endpointslice columns and cells as upstream', () => {
  const pdb = policyPrinters.PodDisruptionBudget;
  const lease = coordinationPrinters.Lease;
  const eps = discoveryPrinters.EndpointSlice;
  assert.ok(pdb && lease && eps);
  assert.deepEqual(names(pdb), ['Name', 'Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age']);
  assert.deepEqual(pdb.row(obj('PodDisruptionBudget', { spec: { minAvailable: '50%' } }), now), ['x', '50%', 'N/A', 0, '60m']);
  assert.deepEqual(names(lease), ['Name', 'Holder', 'Age']);
  assert.deepEqual(lease.row(obj('Lease', { spec: { holderIdentity: 'node-1' } }), now), ['x', 'node-1', '60m']);
  assert.deepEqual(names(eps), ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age']);
  const s = obj('EndpointSlice', { addressType: 'IPv4', ports: [{ port: 80 }, { name: 'dns' }], endpoints: [{ addresses: ['10.0.0.1', '10.0.0.2'] }, { addresses: ['10.0.0.3', '10.0.0.4'] }] });
  assert.deepEqual(eps.row(s, now), ['x', 'IPv4', '80,dns', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', '60m']);
  assert.deepEqual(eps.row(obj('EndpointSlice', { addressType: 'FQDN' }), now).slice(2, 4), ['<unset>', '<unset>']);
});
