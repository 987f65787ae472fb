import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../meta.js';
import { services } from './service.js';

const svc = (spec: Record<string, unknown>): KubeObject => {
  const s: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec };
  services.defaults?.(s);
  return s;
};
const errors = (s: KubeObject, old?: KubeObject): string[] =>
  (services.validate?.(s, old) ?? []).map((e) => `${e.field}: ${e.message}`);

void test('service defaults as upstream', () => {
  const s = svc({ selector: { app: 'web' }, ports: [{ port: 80 }, { name: 'x', port: 81, targetPort: 'http' }] });
  assert.deepEqual(s.spec, {
    selector: { app: 'web' },
    ports: [
      { port: 80, protocol: 'TCP', targetPort: 80 },
      { name: 'x', port: 81, targetPort: 'http', protocol: 'TCP' },
    ],
    type: 'ClusterIP',
    sessionAffinity: 'None',
    internalTrafficPolicy: 'Cluster',
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv4'],
  });
  assert.deepEqual(s.status, { loadBalancer: {} });
  const np = svc({ type: 'NodePort', ports: [{ port: 80 }] }).spec as Record<string, unknown>;
  assert.equal(np.externalTrafficPolicy, 'Cluster');
  const lb = svc({ type: 'LoadBalancer', ports: [{ port: 80 }] }).spec as Record<string, unknown>;
  assert.equal(lb.allocateLoadBalancerNodePorts, true);
  const en = svc({ type: 'ExternalName', externalName: 'example.com' }).spec as Record<string, unknown>;
  assert.equal(en.ipFamilyPolicy, undefined);
});

void test('service validation messages', () => {
  assert.deepEqual(errors(svc({})), ['spec.ports: Required value']);
  assert.deepEqual(errors(svc({ clusterIP: 'None' })), []);
  assert.deepEqual(errors(svc({ type: 'ExternalName', externalName: 'db.example.com' })), []);
  assert.deepEqual(errors(svc({ type: 'Weird', ports: [{ port: 80 }] })), [
    'spec.type: Unsupported value: "Weird": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
  ]);
  assert.deepEqual(errors(svc({ ports: [{ port: 0, protocol: 'ICMP' }] })), [
    'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    'spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
  ]);
  assert.deepEqual(errors(svc({ ports: [{ name: 'a', port: 80 }, { name: 'a', port: 81 }] })), [
    'spec.ports[1].name: Duplicate value: "a"',
  ]);
  assert.deepEqual(errors(svc({ ports: [{ port: 80 }, { name: 'b', port: 81 }] })), ['spec.ports[0].name: Required value']);
  assert.deepEqual(errors(svc({ ports: [{ port: 80, nodePort: 30001 }] })), [
    "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
  ]);
});

void test('service names are DNS-1035 labels and clusterIP may not change', () => {
  assert.deepEqual(services.validateName!('web-1'), []);
  assert.equal(services.validateName!('1web').length, 1);
  const old = svc({ clusterIP: '10.43.0.5', ports: [{ port: 80 }] });
  const next = svc({ clusterIP: '10.43.0.6', ports: [{ port: 80 }] });
  assert.deepEqual(errors(next, old), ['spec.clusterIPs[0]: Invalid value: ["10.43.0.6"]: may not change once set']);
  assert.equal(services.fieldSelectors['spec.clusterIP']?.(old), '10.43.0.5');
  assert.equal(services.fieldSelectors['spec.type']?.(old), 'ClusterIP');
});
