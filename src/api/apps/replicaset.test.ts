import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replicaSets } from './replicaset.js';
import { appsObject, defaulted, errors, podTemplate, specOf } from './testing.js';

const replicaSet = (spec: Record<string, unknown> = {}) =>
  appsObject('ReplicaSet', { selector: { matchLabels: { app: 'web' } }, template: podTemplate(), ...spec });

void test('replicaset defaults: replicas 1 and the pod template', () => {
  const rs = defaulted(replicaSets, replicaSet());
  assert.equal(specOf(rs).replicas, 1);
  assert.equal((specOf(rs).template as { spec: { restartPolicy: string } }).spec.restartPolicy, 'Always');
  assert.deepEqual(errors(replicaSets, rs), []);
});

void test('replicaset validation with upstream messages', () => {
  const rs = defaulted(replicaSets, replicaSet({ replicas: -3, minReadySeconds: -1, selector: { matchLabels: { app: 'api' } } }));
  assert.deepEqual(errors(replicaSets, rs), [
    'spec.replicas: Invalid value: -3: must be greater than or equal to 0',
    'spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0',
    'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
  ]);
  // Upstream's ReplicaSet message says "deployment" too.
  const empty = defaulted(replicaSets, replicaSet({ selector: { matchLabels: {} } }));
  assert.deepEqual(errors(replicaSets, empty), ['spec.selector: Invalid value: {"matchLabels":{}}: empty selector is invalid for deployment']);
  const badLabel = defaulted(replicaSets, replicaSet({ selector: { matchLabels: { app: 'web', 'bad key!': 'x' } } }));
  assert.deepEqual(errors(replicaSets, badLabel).slice(0, 1), [
    `spec.selector.matchLabels: Invalid value: "bad key!": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
  ]);
  assert.match(errors(replicaSets, badLabel).at(-1) ?? '', /^spec\.selector: Invalid value: .*: invalid label selector$/);
});

void test('replicaset selector immutable and status.replicas field selector', () => {
  const old = defaulted(replicaSets, replicaSet());
  const next = defaulted(replicaSets, replicaSet({ selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] } }));
  assert.deepEqual(errors(replicaSets, next, old), [
    'spec.selector: Invalid value: {"matchExpressions":[{"key":"app","operator":"In","values":["web"]}]}: field is immutable',
  ]);
  const statusReplicas = replicaSets.fieldSelectors['status.replicas'];
  assert.ok(statusReplicas);
  next.status = { replicas: 2 };
  assert.equal(statusReplicas(next), '2');
  assert.equal(statusReplicas(old), '0');
});
