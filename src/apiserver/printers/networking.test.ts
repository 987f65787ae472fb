import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/meta.js';
import { networkingPrinters } from './networking.js';
import { rbacPrinters } from './rbac.js';
import { storagePrinters } from './storage.js';

const now = new Date('2025-01-01T00:01:00Z');
const meta = { name: 'x', creationTimestamp: '2025-01-01T00:00:00Z' };
const row = (printers: Record<string, { row: (o: KubeObject, now: Date) => unknown[] }>, o: KubeObject) => printers[o.kind]?.row(o, now);

void test('ingress row: class, first three hosts, address (never clipped: the server prints wide), ports', () => {
  const rules = ['a.com', '', 'b.com', 'c.com', 'd.com'].map((host) => ({ host }));
  const lb = { loadBalancer: { ingress: [{ ip: '10.0.0.12' }, { hostname: 'lb.example.com' }, { ip: '10.0.0.12' }] } };
  const ing: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta, spec: { rules, tls: [{}] }, status: lb };
  assert.deepEqual(row(networkingPrinters, ing), ['x', '<none>', 'a.com,b.com,c.com + 2 more...', '10.0.0.12,lb.example.com', '80, 443', '60s']);
  const bare: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta, spec: { ingressClassName: 'nginx', defaultBackend: {} } };
  assert.deepEqual(row(networkingPrinters, bare), ['x', 'nginx', '*', '', '80', '60s']);
});

void test('ingressclass parameters and networkpolicy selector', () => {
  const ic: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: meta, spec: { controller: 'k8s.io/x', parameters: { apiGroup: 'k8s.example.com', kind: 'P', name: 'p' } } };
  assert.deepEqual(row(networkingPrinters, ic), ['x', 'k8s.io/x', 'P.k8s.example.com/p', '60s']);
  const sel = { matchLabels: { b: '1', a: '2' }, matchExpressions: [{ key: 'c', operator: 'In', values: ['y', 'x'] }] };
  const np: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta, spec: { podSelector: sel } };
  assert.deepEqual(row(networkingPrinters, np), ['x', 'a=2,b=1,c in (x,y)', '60s']);
  assert.deepEqual(row(networkingPrinters, { ...np, spec: { podSelector: {} } }), ['x', '<none>', '60s']);
});

void test('storageclass default marker and rbac rows', () => {
  const sc: KubeObject = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { ...meta, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'p', allowVolumeExpansion: true };
  assert.deepEqual(row(storagePrinters, sc), ['x (default)', 'p', 'Delete', 'Immediate', 'true', '60s']);
  const role: KubeObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: meta };
  assert.deepEqual(row(rbacPrinters, role), ['x', '2025-01-01T00:00:00Z']);
  const subjects = [{ kind: 'User', name: 'u1' }, { kind: 'User', name: 'u2' }, { kind: 'Group', name: 'g' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'ns' }];
  const rb: KubeObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta, roleRef: { kind: 'Role', name: 'r' }, subjects };
  assert.deepEqual(row(rbacPrinters, rb), ['x', 'Role/r', '60s', 'u1, u2', 'g', 'ns/sa']);
});
