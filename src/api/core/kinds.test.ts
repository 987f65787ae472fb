import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { endpoints } from './endpoints.js';
import { events } from './event.js';
import { namespaces } from './namespace.js';
import { nodes } from './node.js';
import { replicationControllers } from './replicationcontroller.js';
import { serviceAccounts } from './serviceaccount.js';

const obj = (kind: string, meta: KubeObject['metadata'], fields: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: meta,
  ...fields,
});
const errs = (def: ResourceDef, o: KubeObject): string[] => (def.validate?.(o) ?? []).map((e) => `${e.field}: ${e.message}`);

void test('namespace defaults, name rule and finalizers', () => {
  const ns = obj('Namespace', { name: 'team-a' }, {});
  namespaces.defaults?.(ns);
  assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(ns.status, { phase: 'Active' });
  assert.deepEqual(ns.metadata.labels, { 'kubernetes.io/metadata.name': 'team-a' });
  assert.deepEqual(errs(namespaces, ns), []);
  assert.deepEqual(namespaces.validateName?.('a.b'), ['must not contain dots']);
  assert.equal(namespaces.fieldSelectors['status.phase']?.(ns), 'Active');
  assert.deepEqual(errs(namespaces, obj('Namespace', { name: 'a' }, { spec: { finalizers: ['custom'] } })), [
    'spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
  ]);
});

void test('replication controller defaults and selector check', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } };
  const rc = obj('ReplicationController', { name: 'rc', namespace: 'default' }, { spec: { template } });
  replicationControllers.defaults?.(rc);
  const spec = rc.spec as { replicas: number; selector: unknown; template: { spec: Record<string, unknown> } };
  assert.equal(spec.replicas, 1);
  assert.deepEqual(spec.selector, { app: 'web' });
  assert.deepEqual(rc.metadata.labels, { app: 'web' });
  assert.equal(spec.template.spec.restartPolicy, 'Always');
  assert.equal(spec.template.spec.serviceAccountName, undefined);
  assert.deepEqual(errs(replicationControllers, rc), []);
  spec.selector = { app: 'db' };
  assert.deepEqual(errs(replicationControllers, rc), [
    'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
  ]);
  spec.selector = {};
  spec.template.spec.restartPolicy = 'Never';
  assert.deepEqual(errs(replicationControllers, rc), [
    'spec.selector: Required value',
    'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
  ]);
  rc.status = { replicas: 3 };
  assert.equal(replicationControllers.fieldSelectors['status.replicas']?.(rc), '3');
});

void test('node taints, CIDRs, allocatable and unschedulable selector', () => {
  const n = obj('Node', { name: 'n1' }, { spec: { unschedulable: true }, status: { capacity: { cpu: '4' } } });
  nodes.defaults?.(n);
  assert.deepEqual((n.status as Record<string, unknown>).allocatable, { cpu: '4' });
  assert.equal(nodes.fieldSelectors['spec.unschedulable']?.(n), 'true');
  const bad = obj('Node', { name: 'n1' }, {
    spec: {
      podCIDRs: ['10.42.0.0/24', '10.42.0.0'],
      taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'a', effect: 'NoSchedule' }, { key: 'b', effect: 'Never' }],
    },
  });
  assert.deepEqual(errs(nodes, bad), [
    'spec.taints[1]: Duplicate value: {"effect":"NoSchedule","key":"a"}: taints must be unique by key and effect pair',
    'spec.taints[2].effect: Unsupported value: "Never": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    'spec.podCIDRs[1]: Invalid value: "10.42.0.0": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
  ]);
});

void test('event namespace must match and selectors read involvedObject', () => {
  const ev = obj('Event', { name: 'p.1', namespace: 'default' }, {
    involvedObject: { kind: 'Pod', namespace: 'other', name: 'p' },
    reason: 'Started',
    source: { component: 'kubelet' },
    type: 'Normal',
  });
  assert.deepEqual(errs(events, ev), ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
  assert.equal(events.fieldSelectors['involvedObject.kind']?.(ev), 'Pod');
  assert.equal(events.fieldSelectors.source?.(ev), 'kubelet');
  assert.equal(events.fieldSelectors.reason?.(ev), 'Started');
  const ok = obj('Event', { name: 'n.1', namespace: 'default' }, { involvedObject: { kind: 'Node', name: 'n1' } });
  assert.deepEqual(errs(events, ok), []);
});

void test('endpoints IPs and ports; service account references', () => {
  const ep = obj('Endpoints', { name: 'e', namespace: 'default' }, {
    subsets: [{ addresses: [{ ip: '10.42.0.5' }, { ip: '127.0.0.1' }, { ip: 'nope' }], ports: [{ port: 80 }] }],
  });
  endpoints.defaults?.(ep);
  assert.deepEqual(errs(endpoints, ep), [
    'subsets[0].addresses[1].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    'subsets[0].addresses[2].ip: Invalid value: "nope": must be a valid IP address',
  ]);
  const sa = obj('ServiceAccount', { name: 'sa', namespace: 'default' }, { secrets: [{}] });
  assert.deepEqual(errs(serviceAccounts, sa), ['secrets[0].name: Required value']);
});
