import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../meta.js';
import { networkPolicies } from './networkpolicy.js';

const np = (spec: Record<string, unknown>): KubeObject => {
  const o: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'n', namespace: 'default' }, spec };
  networkPolicies.defaults?.(o);
  return o;
};
const errors = (o: KubeObject): string[] => (networkPolicies.validate?.(o) ?? []).map((e) => `${e.field}: ${e.message}`);

void test('networkpolicy defaults: policyTypes and port protocol', () => {
  assert.deepEqual(np({ podSelector: {} }).spec, { podSelector: {}, policyTypes: ['Ingress'] });
  const s = np({ podSelector: {}, ingress: [{ ports: [{ port: 80 }] }], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] }).spec as Record<string, unknown>;
  assert.deepEqual(s.policyTypes, ['Ingress', 'Egress']);
  assert.deepEqual(s.ingress, [{ ports: [{ port: 80, protocol: 'TCP' }] }]);
  assert.deepEqual(s.egress, [{ ports: [{ port: 53, protocol: 'UDP' }] }]);
  assert.deepEqual(np({ podSelector: {}, egress: [{}], policyTypes: ['Egress'] }).spec, { podSelector: {}, egress: [{}], policyTypes: ['Egress'] });
  assert.equal(networkPolicies.hasStatus, false);
  assert.equal(networkPolicies.tracksGeneration, true);
});

void test('networkpolicy validation messages', () => {
  assert.deepEqual(errors(np({ podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: {} }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }] })), []);
  assert.deepEqual(errors(np({ podSelector: {}, ingress: [{ from: [{}] }] })), ['spec.ingress[0].from[0]: Required value: must specify a peer']);
  assert.deepEqual(errors(np({ podSelector: {}, egress: [{ to: [{ podSelector: {}, ipBlock: { cidr: '10.0.0.0/8' } }] }] })), [
    'spec.egress[0].to[0]: Forbidden: may not specify both ipBlock and another peer',
  ]);
  assert.deepEqual(errors(np({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }] })), [
    'spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
  ]);
  assert.deepEqual(errors(np({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24', '10.0.0.0/8', '10.0.1.0/24', 'fd00::/64'] } }] }] })), [
    'spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`',
    'spec.ingress[0].from[0].ipBlock.except[1]: Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`',
    'spec.ingress[0].from[0].ipBlock.except[3]: Invalid value: "fd00::/64": must be a strict subset of `cidr`',
  ]);
  assert.deepEqual(errors(np({ podSelector: {}, ingress: [{ from: [{ ipBlock: {} }] }] })), ['spec.ingress[0].from[0].ipBlock.cidr: Required value']);
  assert.deepEqual(errors(np({ podSelector: {}, ingress: [{ ports: [{ port: 80, endPort: 70, protocol: 'ICMP' }, { port: 'http', endPort: 90 }] }] })), [
    'spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
    'spec.ingress[0].ports[0].endPort: Invalid value: 70: must be greater than or equal to `port`',
    'spec.ingress[0].ports[1].endPort: Invalid value: 90: may not be specified when `port` is non-numeric',
  ]);
  assert.deepEqual(errors(np({ podSelector: { matchExpressions: [{ key: 'a', operator: 'In' }, { key: 'b', operator: 'Exists', values: ['x'] }, { key: 'c', operator: 'Is' }] } })), [
    "spec.podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    "spec.podSelector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    'spec.podSelector.matchExpressions[2].operator: Invalid value: "Is": not a valid selector operator',
  ]);
  assert.deepEqual(errors(np({ podSelector: {}, policyTypes: ['Ingress', 'Both'] })), [
    'spec.policyTypes[1]: Unsupported value: "Both": supported values: "Ingress", "Egress"',
  ]);
  assert.deepEqual(errors(np({ podSelector: {}, policyTypes: ['Ingress', 'Egress', 'Ingress'] })), [
    'spec.policyTypes: Invalid value: ["Ingress","Egress","Ingress"]: may not specify more than two policyTypes',
  ]);
});
