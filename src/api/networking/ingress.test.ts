import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../meta.js';
import { ingresses } from './ingress.js';
import { ingressClasses } from './ingressclass.js';

const ing = (spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => {
  const o: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i', namespace: 'default', ...(annotations ? { annotations } : {}) }, spec };
  ingresses.defaults?.(o);
  return o;
};
const errors = (o: KubeObject, old?: KubeObject): string[] => (ingresses.validate?.(o, old) ?? []).map((e) => `${e.field}: ${e.message}`);
const svc = (name: string, port: Record<string, unknown>) => ({ service: { name, port } });
const rule = (paths: unknown[], host?: string) => ({ ...(host === undefined ? {} : { host }), http: { paths } });

void test('ingress defaults and identity as upstream', () => {
  const o = ing({ defaultBackend: svc('web', { number: 80 }) });
  assert.deepEqual(o.status, { loadBalancer: {} });
  assert.equal(ingresses.hasStatus, true);
  assert.equal(ingresses.tracksGeneration, true);
  assert.deepEqual(ingresses.shortNames, ['ing']);
  assert.deepEqual(errors(o), []);
});

void test('ingress paths: pathType required and supported, absolute and clean paths', () => {
  const b = { backend: svc('web', { number: 80 }) };
  assert.deepEqual(errors(ing({ rules: [rule([{ path: '/', ...b }])] })), ['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified']);
  assert.deepEqual(errors(ing({ rules: [rule([{ path: 'foo', pathType: 'Prefix', ...b }])] })), [
    'spec.rules[0].http.paths[0].path: Invalid value: "foo": must be an absolute path',
  ]);
  assert.deepEqual(errors(ing({ rules: [rule([{ path: '/a//b/..', pathType: 'Exact', ...b }])] })), [
    `spec.rules[0].http.paths[0].path: Invalid value: "/a//b/..": must not contain '//'`,
    `spec.rules[0].http.paths[0].path: Invalid value: "/a//b/..": cannot end with '/..'`,
  ]);
  assert.deepEqual(errors(ing({ rules: [rule([{ pathType: 'ImplementationSpecific', ...b }])] })), []);
  assert.deepEqual(errors(ing({ rules: [rule([{ path: '/', pathType: 'Regex', ...b }])] })), [
    'spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"',
  ]);
  assert.deepEqual(errors(ing({ rules: [rule([])] })), ['spec.rules[0].http.paths: Required value']);
});

void test('ingress backends: service name and port name xor number, or a resource', () => {
  const at = 'spec.defaultBackend';
  assert.deepEqual(errors(ing({})), ['spec: Invalid value: null: either `defaultBackend` or `rules` must be specified']);
  assert.deepEqual(errors(ing({ defaultBackend: {} })), [`${at}: Invalid value: "": resource or service backend is required`]);
  assert.deepEqual(errors(ing({ defaultBackend: svc('web', {}) })), [`${at}: Required value: port name or number is required`]);
  assert.deepEqual(errors(ing({ defaultBackend: svc('web', { name: 'http', number: 80 }) })), [`${at}: Invalid value: "": cannot set both port name & port number`]);
  assert.deepEqual(errors(ing({ defaultBackend: svc('', { number: 70000 }) })), [
    `${at}.service.name: Required value`,
    `${at}.service.port.number: Invalid value: 70000: must be between 1 and 65535, inclusive`,
  ]);
  assert.deepEqual(errors(ing({ defaultBackend: svc('1web', { name: 'http' }) })).length, 1);
  assert.deepEqual(errors(ing({ defaultBackend: { ...svc('web', { number: 80 }), resource: { kind: 'Bucket', name: 'b' } } })), [
    `${at}: Invalid value: "": cannot set both resource and service backends`,
  ]);
  assert.deepEqual(errors(ing({ defaultBackend: { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket' } } })), [`${at}.resource.name: Required value`]);
});

void test('ingress hosts, TLS and class', () => {
  const p = [{ path: '/', pathType: 'Prefix', backend: svc('web', { number: 80 }) }];
  assert.deepEqual(errors(ing({ rules: [rule(p, '*.example.com'), rule(p, 'foo.bar')] })), []);
  assert.deepEqual(errors(ing({ rules: [rule(p, '1.2.3.4')] })), ['spec.rules[0].host: Invalid value: "1.2.3.4": must be a DNS name, not an IP address']);
  assert.deepEqual(errors(ing({ rules: [rule(p, 'foo.*.com')] })), [
    `spec.rules[0].host: Invalid value: "foo.*.com": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
  ]);
  assert.deepEqual(errors(ing({ rules: [rule(p)], tls: [{ hosts: ['Bad_Host'], secretName: 'ok' }] })).length, 1);
  const cls = errors(ing({ rules: [rule(p)], ingressClassName: 'Nginx' }));
  assert.equal(cls.length, 1);
  assert.match(cls[0] ?? '', /^spec\.ingressClassName: Invalid value: "Nginx": a lowercase RFC 1123 subdomain/);
  const mismatch = ing({ rules: [rule(p)], ingressClassName: 'nginx' }, { 'kubernetes.io/ingress.class': 'traefik' });
  assert.deepEqual(errors(mismatch), ['annotations.kubernetes.io/ingress.class: Invalid value: "traefik": must match `ingressClassName` when both are specified']);
  assert.deepEqual(errors(mismatch, mismatch), []);
});

void test('ingressclass: controller required, domain-prefixed, immutable; parameters scope', () => {
  const ic = (spec: Record<string, unknown>): KubeObject => {
    const o: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'c' }, spec };
    ingressClasses.defaults?.(o);
    return o;
  };
  const errs = (o: KubeObject, old?: KubeObject) => (ingressClasses.validate?.(o, old) ?? []).map((e) => `${e.field}: ${e.message}`);
  assert.equal(ingressClasses.namespaced, false);
  assert.deepEqual(errs(ic({})), ['spec.controller: Required value']);
  assert.deepEqual(errs(ic({ controller: 'nginx' })), ['spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")']);
  assert.deepEqual(errs(ic({ controller: 'example.com/ingress controller' })), [
    `spec.controller: Invalid value: "ingress controller": Invalid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')`,
  ]);
  const ok = ic({ controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'p' } });
  assert.equal((ok.spec as { parameters: { scope: string } }).parameters.scope, 'Cluster');
  assert.deepEqual(errs(ok), []);
  assert.deepEqual(errs(ic({ controller: 'k8s.io/other' }), ok), ['spec.controller: Invalid value: "k8s.io/other": field is immutable']);
  assert.deepEqual(errs(ic({ controller: 'k8s.io/x', parameters: { kind: 'K', name: 'n', scope: 'Namespace' } })), [
    "spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'",
  ]);
  assert.deepEqual(errs(ic({ controller: 'k8s.io/x', parameters: { kind: 'K', name: 'n', namespace: 'a' } })), [
    "spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'",
  ]);
});
