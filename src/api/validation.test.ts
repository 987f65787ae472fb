import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  invalid,
  invalidStatus,
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  notSupported,
  required,
  statusMessageFor,
  tooLong,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from './validation.js';

const subdomainMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

void test('DNS validators give upstream messages', () => {
  assert.deepEqual(isDNS1123Subdomain('example.com'), []);
  assert.deepEqual(isDNS1123Subdomain('Foo'), [subdomainMsg]);
  assert.deepEqual(isDNS1123Subdomain('a'.repeat(254)), ['must be no more than 253 characters']);
  assert.deepEqual(isDNS1123Label('my-name'), []);
  assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
  assert.deepEqual(isDNS1123Label('-a'), [labelMsg]);
  assert.deepEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
  assert.deepEqual(isDNS1035Label('abc-1'), []);
  assert.deepEqual(isDNS1035Label('1abc'), [
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  ]);
});

void test('qualified names, label values and config keys', () => {
  assert.deepEqual(isQualifiedName('example.com/My_Name-1'), []);
  assert.deepEqual(isQualifiedName('/a'), ['prefix part must be non-empty']);
  assert.deepEqual(isQualifiedName('Ex.com/a'), [`prefix part ${subdomainMsg}`]);
  assert.equal(isQualifiedName('a/b/c')[0]?.startsWith("a qualified name must consist of"), true);
  assert.equal(isQualifiedName('a/b/c')[0]?.endsWith("with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"), true);
  assert.deepEqual(isQualifiedName('a/').length, 2);
  assert.deepEqual(isQualifiedName('a'.repeat(64)), ['name part must be no more than 63 characters']);
  assert.deepEqual(isValidLabelValue(''), []);
  assert.deepEqual(isValidLabelValue('a_b.C-9'), []);
  assert.equal(isValidLabelValue('-a').length, 1);
  assert.deepEqual(isConfigMapKey('key.name'), []);
  assert.deepEqual(isConfigMapKey('..a'), ["must not start with '..'"]);
  assert.deepEqual(isConfigMapKey('.'), ["must not be '.'"]);
  assert.equal(isConfigMapKey('a/b').length, 1);
});

void test('field error constructors render upstream ErrorBody', () => {
  assert.equal(invalid('metadata.name', 'Foo', 'bad').message, 'Invalid value: "Foo": bad');
  assert.equal(invalid('spec.replicas', -1, 'bad').message, 'Invalid value: -1: bad');
  assert.equal(invalid('x', { b: 1, a: 2 }, 'd').message, 'Invalid value: {"a":2,"b":1}: d');
  assert.equal(required('spec.containers').message, 'Required value');
  assert.equal(required('metadata.name', 'name or generateName is required').message, 'Required value: name or generateName is required');
  assert.equal(
    notSupported('spec.restartPolicy', 'Sometimes', ['Always', 'OnFailure', 'Never']).message,
    'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
  );
  assert.equal(tooLong('data', 1048576).message, 'Too long: may not be more than 1048576 bytes');
});

void test('statusMessageFor joins errors as upstream', () => {
  const e1 = invalid('metadata.name', 'Foo', subdomainMsg);
  const e2 = required('spec.containers');
  assert.equal(statusMessageFor('Pod', 'Foo', [e1]), `Pod "Foo" is invalid: metadata.name: Invalid value: "Foo": ${subdomainMsg}`);
  assert.equal(
    statusMessageFor('Pod', 'Foo', [e1, e2, e2]),
    `Pod "Foo" is invalid: [metadata.name: Invalid value: "Foo": ${subdomainMsg}, spec.containers: Required value]`,
  );
  assert.equal(statusMessageFor('Deployment', 'd', [e2], 'apps'), 'Deployment.apps "d" is invalid: spec.containers: Required value');
  const st = invalidStatus('Pod', 'Foo', [e2]);
  assert.equal(st.code, 422);
  assert.equal(st.reason, 'Invalid');
  assert.deepEqual(st.details?.causes, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' }]);
});

const ns = { namespaced: true, validateName: isDNS1123Subdomain };

void test('validateObjectMeta covers names, namespace, labels, annotations, owners, finalizers', () => {
  assert.deepEqual(validateObjectMeta({ name: 'ok', namespace: 'default' }, ns), []);
  const m = (meta: Parameters<typeof validateObjectMeta>[0], namespaced = true): string[] =>
    validateObjectMeta(meta, { ...ns, namespaced }).map((e) => `${e.field}: ${e.message}`);
  assert.deepEqual(m({ namespace: 'default' }), ['metadata.name: Required value: name or generateName is required']);
  assert.deepEqual(m({ name: 'Foo', namespace: 'default' }), [`metadata.name: Invalid value: "Foo": ${subdomainMsg}`]);
  assert.deepEqual(m({ name: 'a', generateName: 'web-', namespace: 'default' }), []);
  assert.deepEqual(m({ name: 'a' }), ['metadata.namespace: Required value']);
  assert.deepEqual(m({ name: 'a', namespace: 'x' }, false), ['metadata.namespace: Forbidden: not allowed on this type']);
  assert.equal(m({ name: 'a', namespace: 'default', labels: { 'a b': 'c' } })[0]?.startsWith('metadata.labels: Invalid value: "a b": name part must consist'), true);
  assert.equal(m({ name: 'a', namespace: 'default', labels: { a: '-' } })[0]?.startsWith('metadata.labels: Invalid value: "-": a valid label'), true);
  assert.deepEqual(m({ name: 'a', namespace: 'default', annotations: { Big: 'x'.repeat(256 * 1024) } }), [
    'metadata.annotations: Too long: may not be more than 262144 bytes',
  ]);
  assert.deepEqual(
    m({ name: 'a', namespace: 'default', ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: '', uid: '' }] }),
    ['metadata.ownerReferences.name: Invalid value: "": must not be empty', 'metadata.ownerReferences.uid: Invalid value: "": must not be empty'],
  );
  assert.equal(m({ name: 'a', namespace: 'default', finalizers: ['a/b/c'] }).length, 1);
});

void test('validateObjectMetaUpdate forbids changing identity', () => {
  const old = { name: 'a', namespace: 'default', uid: 'u1', resourceVersion: '5' };
  assert.deepEqual(validateObjectMetaUpdate({ ...old }, old), []);
  assert.deepEqual(
    validateObjectMetaUpdate({ ...old, uid: 'u2', resourceVersion: '' }, old).map((e) => `${e.field}: ${e.message}`),
    ['metadata.resourceVersion: Invalid value: "": must be specified for an update', 'metadata.uid: Invalid value: "u2": field is immutable'],
  );
});
