import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/meta.js';
import { appsPrinters } from './apps.js';

const now = new Date('2026-01-01T00:10:00Z');
const created = '2026-01-01T00:00:00Z';
const template = { spec: { containers: [{ name: 'web', image: 'nginx:1.25' }, { name: 'log', image: 'busybox' }] } };
const obj = (kind: string, fields: Record<string, unknown>): KubeObject => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: { name: 'web', namespace: 'default', creationTimestamp: created },
  ...fields,
});
const headers = (kind: string) => appsPrinters[kind]?.columns.map((c) => `${c.name}${c.priority ? '*' : ''}`);
const row = (o: KubeObject) => appsPrinters[o.kind]?.row(o, now);

void test('deployment columns and row', () => {
  assert.deepEqual(headers('Deployment'), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers*', 'Images*', 'Selector*']);
  const selector = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'api'] }, { key: 'canary', operator: 'DoesNotExist' }] };
  const d = obj('Deployment', { spec: { replicas: 3, selector, template }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 1 } });
  assert.deepEqual(row(d), ['web', '2/3', 3, 1, '10m', 'web,log', 'nginx:1.25,busybox', 'app=web,!canary,tier in (api,fe)']);
  assert.deepEqual(row(obj('Deployment', { spec: { replicas: 1, selector: {} } })), ['web', '0/1', 0, 0, '10m', '', '', '']);
});

void test('replicaset columns and row', () => {
  assert.deepEqual(headers('ReplicaSet'), ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers*', 'Images*', 'Selector*']);
  const rs = obj('ReplicaSet', { spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': 'abc' } }, template }, status: { replicas: 3, readyReplicas: 1 } });
  assert.deepEqual(row(rs), ['web', 3, 3, 1, '10m', 'web,log', 'nginx:1.25,busybox', 'app=web,pod-template-hash=abc']);
  assert.equal(row(obj('ReplicaSet', { spec: { selector: {} } }))?.at(-1), '<none>');
  assert.equal(row(obj('ReplicaSet', { spec: { selector: { matchExpressions: [{ key: 'a', operator: 'Bogus' }] } } }))?.at(-1), '<error>');
});

void test('daemonset columns and row', () => {
  assert.deepEqual(headers('DaemonSet'), ['Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age', 'Containers*', 'Images*', 'Selector*']);
  const ds = obj('DaemonSet', {
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { spec: { ...template.spec, nodeSelector: { 'kubernetes.io/os': 'linux', disk: 'ssd' } } } },
    status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
  });
  assert.deepEqual(row(ds), ['web', 3, 3, 2, 3, 2, 'disk=ssd,kubernetes.io/os=linux', '10m', 'web,log', 'nginx:1.25,busybox', 'app=agent']);
  assert.equal(row(obj('DaemonSet', { spec: {} }))?.[6], '<none>');
});

void test('statefulset and controllerrevision columns and rows', () => {
  assert.deepEqual(headers('StatefulSet'), ['Name', 'Ready', 'Age', 'Containers*', 'Images*']);
  assert.deepEqual(row(obj('StatefulSet', { spec: { replicas: 2, template }, status: { readyReplicas: 2 } })), ['web', '2/2', '10m', 'web,log', 'nginx:1.25,busybox']);
  assert.deepEqual(headers('ControllerRevision'), ['Name', 'Controller', 'Revision', 'Age']);
  const cr = obj('ControllerRevision', { revision: 3, data: {} });
  cr.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true }];
  assert.deepEqual(row(cr), ['web', 'statefulset.apps/web', 3, '10m']);
  assert.deepEqual(row(obj('ControllerRevision', { revision: 1, data: {} })), ['web', '<none>', 1, '10m']);
});
