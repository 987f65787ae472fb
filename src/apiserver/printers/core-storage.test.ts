import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/meta.js';
import { coreStoragePrinters } from './core-storage.js';

const now = new Date('2025-01-01T00:01:00Z');
const meta = { name: 'x', creationTimestamp: '2025-01-01T00:00:00Z' };
const row = (o: KubeObject) => coreStoragePrinters[o.kind]?.row(o, now);

void test('pv and pvc rows: abbreviated modes, claim, unset classes', () => {
  const pv: KubeObject = {
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: meta,
    spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: 'ns', name: 'c' }, storageClassName: 'slow', volumeMode: 'Filesystem' },
    status: { phase: 'Bound' },
  };
  assert.deepEqual(row(pv), ['x', '5Gi', 'RWO,RWX', 'Retain', 'Bound', 'ns/c', 'slow', '<unset>', '', '60s', 'Filesystem']);
  const pvc: KubeObject = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } };
  assert.deepEqual(row(pvc), ['x', 'Pending', '', '', '', '', '<unset>', '60s', '<unset>']);
  const bound = { ...pvc, spec: { ...(pvc.spec as object), volumeName: 'pv1' }, status: { phase: 'Bound', accessModes: ['ReadWriteOncePod'], capacity: { storage: '2Gi' } } };
  assert.deepEqual(row(bound), ['x', 'Bound', 'pv1', '2Gi', 'RWOP', '', '<unset>', '60s', '<unset>']);
});

void test('quota, limit range and pod template rows', () => {
  const q: KubeObject = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta, status: { hard: { pods: '10', 'limits.cpu': '2', 'requests.cpu': '1' }, used: { pods: '3' } } };
  assert.deepEqual(row(q), ['x', 'pods: 3/10, requests.cpu: 0/1', 'limits.cpu: 0/2', '60s']);
  assert.deepEqual(row({ apiVersion: 'v1', kind: 'LimitRange', metadata: meta }), ['x', '2025-01-01T00:00:00Z']);
  const t: KubeObject = { apiVersion: 'v1', kind: 'PodTemplate', metadata: meta, template: { metadata: { labels: { b: '2', a: '1' } }, spec: { containers: [{ name: 'c1', image: 'i1' }, { name: 'c2', image: 'i2' }] } } };
  assert.deepEqual(row(t), ['x', 'c1,c2', 'i1,i2', 'a=1,b=2']);
});
