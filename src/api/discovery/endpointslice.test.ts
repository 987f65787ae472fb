import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../meta.js';
import { endpointSlices } from './endpointslice.js';

const slice = (fields: Record<string, unknown>): KubeObject => {
  const o: KubeObject = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 's', namespace: 'default' }, ...fields };
  endpointSlices.defaults?.(o);
  return o;
};
const errors = (o: KubeObject, old?: KubeObject): string[] => (endpointSlices.validate?.(o, old) ?? []).map((e) => `${e.field}: ${e.message}`);

void test('endpointslice defaults: port name "" and protocol TCP', () => {
  const o = slice({ addressType: 'IPv4', ports: [{ port: 80 }] });
  assert.deepEqual(o.ports, [{ port: 80, name: '', protocol: 'TCP' }]);
  assert.deepEqual(errors(o), []);
});

void test('endpointslice validation messages', () => {
  assert.deepEqual(errors(slice({})), ['addressType: Required value']);
  assert.deepEqual(errors(slice({ addressType: 'IP' })), ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"']);
  assert.deepEqual(errors(slice({ addressType: 'IPv4', endpoints: [{ addresses: [] }] })), ['endpoints[0].addresses: Required value: must contain at least 1 address']);
  assert.deepEqual(errors(slice({ addressType: 'IPv4', endpoints: [{ addresses: ['fd00::1', 'nope', '127.0.0.1'] }] })), [
    'endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address',
    'endpoints[0].addresses[1]: Invalid value: "nope": must be a valid IPv4 address',
    'endpoints[0].addresses[1]: Invalid value: "nope": must be a valid IP address',
    'endpoints[0].addresses[2]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
  ]);
  assert.deepEqual(errors(slice({ addressType: 'IPv6', endpoints: [{ addresses: ['fd00::1'] }] })), []);
  assert.deepEqual(errors(slice({ addressType: 'FQDN', endpoints: [{ addresses: ['db.example.com', 'localhost'] }] })), [
    'endpoints[0].addresses[1]: Invalid value: "localhost": should be a domain with at least two segments separated by dots',
  ]);
  assert.deepEqual(errors(slice({ addressType: 'IPv4', ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81, protocol: 'HTTP' }] })), [
    'ports[1].name: Duplicate value: "http"',
    'ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
  ]);
  const old = slice({ addressType: 'IPv4' });
  assert.deepEqual(errors(slice({ addressType: 'IPv6' }), old), ['addressType: Invalid value: "IPv6": field is immutable']);
});
