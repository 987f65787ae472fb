import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deployments } from './deployment.js';
import { appsObject, defaulted, errors, podTemplate, specOf } from './testing.js';

const deployment = (spec: Record<string, unknown> = {}) =>
  appsObject('Deployment', { selector: { matchLabels: { app: 'web' } }, template: podTemplate(), ...spec });

void test('deployment defaults as upstream (apps/v1)', () => {
  const d = defaulted(deployments, deployment());
  const spec = specOf(d);
  assert.equal(spec.replicas, 1);
  assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.equal(spec.progressDeadlineSeconds, 600);
  const pod = (spec.template as { spec: Record<string, unknown> }).spec;
  assert.equal(pod.restartPolicy, 'Always');
  assert.equal(pod.dnsPolicy, 'ClusterFirst');
  assert.equal(d.metadata.labels, undefined, 'apps/v1 does not copy template labels to the object');
  assert.deepEqual(errors(deployments, d), []);
});

void test('deployment defaults keep what the user set; Recreate gets no rollingUpdate', () => {
  const d = defaulted(deployments, deployment({ replicas: 0, strategy: { type: 'Recreate' }, revisionHistoryLimit: 0 }));
  const spec = specOf(d);
  assert.equal(spec.replicas, 0);
  assert.deepEqual(spec.strategy, { type: 'Recreate' });
  assert.equal(spec.revisionHistoryLimit, 0);
  assert.deepEqual(errors(deployments, d), []);
  const partial = defaulted(deployments, deployment({ strategy: { rollingUpdate: { maxSurge: 1 } } }));
  assert.deepEqual(specOf(partial).strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } });
});

void test('deployment selector must be given and match the template labels', () => {
  const d = defaulted(deployments, deployment({ selector: { matchLabels: { app: 'db' } } }));
  assert.deepEqual(errors(deployments, d), [
    'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
  ]);
  const none = defaulted(deployments, deployment({ selector: undefined }));
  assert.deepEqual(errors(deployments, none), [
    'spec.selector: Required value',
    'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
  ]);
  const empty = defaulted(deployments, deployment({ selector: {} }));
  assert.deepEqual(errors(deployments, empty), ['spec.selector: Invalid value: {}: empty selector is invalid for deployment']);
  const expr = defaulted(deployments, deployment({ selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] } }));
  assert.deepEqual(errors(deployments, expr), []);
});

void test('deployment selector expressions are validated as metav1.LabelSelector', () => {
  const d = defaulted(deployments, deployment({ selector: { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['web'] }, { key: 'tier', operator: 'Exists', values: ['x'] }] } }));
  assert.deepEqual(errors(deployments, d), [
    'spec.selector.matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator',
    "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    'spec.selector: Invalid value: {"matchExpressions":[{"key":"app","operator":"Equals","values":["web"]},{"key":"tier","operator":"Exists","values":["x"]}]}: invalid label selector',
  ]);
});

void test('deployment template: restartPolicy Always, no activeDeadlineSeconds, pod spec validated', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { restartPolicy: 'OnFailure', activeDeadlineSeconds: 30, containers: [{ name: 'c' }] } };
  const d = defaulted(deployments, deployment({ template }));
  assert.deepEqual(errors(deployments, d), [
    'spec.template.spec.containers[0].image: Required value',
    'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
    'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported',
  ]);
});

void test('deployment numbers and strategy', () => {
  const d = defaulted(deployments, deployment({ replicas: -1, minReadySeconds: 10, progressDeadlineSeconds: 10, revisionHistoryLimit: -2 }));
  assert.deepEqual(errors(deployments, d), [
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0',
    'spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds',
  ]);
  const zero = defaulted(deployments, deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '0%' } } }));
  assert.deepEqual(errors(deployments, zero), ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0']);
  const bad = defaulted(deployments, deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '150%', maxSurge: 'x' } } }));
  assert.deepEqual(errors(deployments, bad), [
    `spec.strategy.rollingUpdate.maxSurge: Invalid value: "x": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%',
  ]);
  const recreate = defaulted(deployments, deployment({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } }));
  assert.deepEqual(errors(deployments, recreate), ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]);
  const unknown = defaulted(deployments, deployment({ strategy: { type: 'BlueGreen' } }));
  assert.deepEqual(errors(deployments, unknown), ['spec.strategy: Unsupported value: {"type":"BlueGreen"}: supported values: "Recreate", "RollingUpdate"']);
});

void test('deployment selector is immutable on update (apps/v1)', () => {
  const old = defaulted(deployments, deployment());
  const same = defaulted(deployments, deployment({ replicas: 5 }));
  assert.deepEqual(errors(deployments, same, old), []);
  const moved = defaulted(deployments, deployment({ selector: { matchLabels: { app: 'web', tier: 'fe' } }, template: podTemplate() }));
  ((specOf(moved).template as { metadata: { labels: Record<string, string> } }).metadata.labels).tier = 'fe';
  assert.deepEqual(errors(deployments, moved, old), ['spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"fe"}}: field is immutable']);
  const emptyLists = defaulted(deployments, deployment({ selector: { matchLabels: { app: 'web' }, matchExpressions: [] } }));
  assert.deepEqual(errors(deployments, emptyLists, old), []);
});
