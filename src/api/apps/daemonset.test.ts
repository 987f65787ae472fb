import { test } from 'node:test';
import assert from 'node:assert/strict';
import { daemonSets } from './daemonset.js';
import { appsObject, defaulted, errors, podTemplate, specOf } from './testing.js';

const daemonSet = (spec: Record<string, unknown> = {}) =>
  appsObject('DaemonSet', { selector: { matchLabels: { app: 'web' } }, template: podTemplate(), ...spec });

void test('daemonset defaults: RollingUpdate 1/0, revisionHistoryLimit 10, no replicas', () => {
  const ds = defaulted(daemonSets, daemonSet());
  const spec = specOf(ds);
  assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.equal(spec.replicas, undefined);
  assert.deepEqual(errors(daemonSets, ds), []);
  const onDelete = defaulted(daemonSets, daemonSet({ updateStrategy: { type: 'OnDelete' } }));
  assert.deepEqual(specOf(onDelete).updateStrategy, { type: 'OnDelete' });
  assert.deepEqual(errors(daemonSets, onDelete), []);
});

void test('daemonset selector: missing shows as a mismatch, empty is invalid', () => {
  const none = defaulted(daemonSets, daemonSet({ selector: undefined }));
  assert.deepEqual(errors(daemonSets, none), ['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`']);
  const empty = defaulted(daemonSets, daemonSet({ selector: {} }));
  assert.deepEqual(errors(daemonSets, empty), ['spec.selector: Invalid value: {}: empty selector is invalid for daemonset']);
});

void test('daemonset rolling update: exactly one of maxUnavailable and maxSurge', () => {
  const both = defaulted(daemonSets, daemonSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%', maxSurge: 1 } } }));
  assert.deepEqual(errors(daemonSets, both), ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero']);
  const neither = defaulted(daemonSets, daemonSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } }));
  assert.deepEqual(errors(daemonSets, neither), ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0']);
  const surgeOnly = defaulted(daemonSets, daemonSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '200%' } } }));
  assert.deepEqual(errors(daemonSets, surgeOnly), ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: "200%": must not be greater than 100%']);
  const unknown = defaulted(daemonSets, daemonSet({ updateStrategy: { type: 'Canary' } }));
  assert.deepEqual(errors(daemonSets, unknown), ['spec.updateStrategy: Unsupported value: {"type":"Canary"}: supported values: "RollingUpdate", "OnDelete"']);
});

void test('daemonset template rules and immutable selector', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { restartPolicy: 'Never', activeDeadlineSeconds: 5, containers: [{ name: 'c', image: 'x' }] } };
  const ds = defaulted(daemonSets, daemonSet({ template, minReadySeconds: -1 }));
  assert.deepEqual(errors(daemonSets, ds), [
    'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet is not Supported',
    'spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0',
  ]);
  const old = defaulted(daemonSets, daemonSet());
  const next = defaulted(daemonSets, daemonSet({ selector: { matchLabels: { app: 'web', x: 'y' } }, template: { ...podTemplate(), metadata: { labels: { app: 'web', x: 'y' } } } }));
  assert.deepEqual(errors(daemonSets, next, old), ['spec.selector: Invalid value: {"matchLabels":{"app":"web","x":"y"}}: field is immutable']);
});
