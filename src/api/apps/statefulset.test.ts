import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statefulSets } from './statefulset.js';
import { appsObject, defaulted, errors, podTemplate, specOf } from './testing.js';

const statefulSet = (spec: Record<string, unknown> = {}) =>
  appsObject('StatefulSet', { selector: { matchLabels: { app: 'web' } }, serviceName: 'web', template: podTemplate(), ...spec });

void test('statefulset defaults as upstream', () => {
  const claim = { metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
  const sts = defaulted(statefulSets, statefulSet({ volumeClaimTemplates: [claim] }));
  const spec = specOf(sts);
  assert.equal(spec.replicas, 1);
  assert.equal(spec.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  assert.deepEqual(spec.volumeClaimTemplates, [
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...claim, spec: { ...claim.spec, volumeMode: 'Filesystem' }, status: { phase: 'Pending' } },
  ]);
  assert.deepEqual(errors(statefulSets, sts), []);
  const onDelete = defaulted(statefulSets, statefulSet({ updateStrategy: { type: 'OnDelete' } }));
  assert.deepEqual(specOf(onDelete).updateStrategy, { type: 'OnDelete' });
  const maxUnavailable = defaulted(statefulSets, statefulSet({ updateStrategy: { rollingUpdate: { maxUnavailable: 2 } } }));
  assert.deepEqual(specOf(maxUnavailable).updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, 'MaxUnavailableStatefulSet is off upstream');
});

void test('statefulset names are DNS labels', () => {
  const validateName = statefulSets.validateName;
  assert.ok(validateName);
  assert.deepEqual(validateName('web-0'), []);
  assert.deepEqual(validateName('a.b'), ['must not contain dots']);
});

void test('statefulset validation with upstream messages', () => {
  const sts = defaulted(statefulSets, statefulSet({
    podManagementPolicy: 'Random',
    updateStrategy: { type: 'OnDelete', rollingUpdate: { partition: 1 } },
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Keep' },
    replicas: -1,
    ordinals: { start: -1 },
    selector: {},
  }));
  assert.deepEqual(errors(statefulSets, sts), [
    "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'",
    'spec.updateStrategy.rollingUpdate: Invalid value: {"partition":1}: only allowed for updateStrategy \'RollingUpdate\'',
    'spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: "Retain", "Delete"',
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'spec.ordinals.start: Invalid value: -1: must be greater than or equal to 0',
    'spec.selector: Invalid value: {}: empty selector is invalid for statefulset',
  ]);
  const mismatch = defaulted(statefulSets, statefulSet({ selector: { matchLabels: { app: 'db' } }, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: -1 } } }));
  assert.deepEqual(errors(statefulSets, mismatch), [
    'spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0',
    'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
  ]);
  const restart = defaulted(statefulSets, statefulSet({ template: { ...podTemplate(), spec: { restartPolicy: 'OnFailure', activeDeadlineSeconds: 1, containers: [{ name: 'c', image: 'x' }] } } }));
  assert.deepEqual(errors(statefulSets, restart), [
    'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
    'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported',
  ]);
});

void test('statefulset updates may change only replicas, ordinals, template, updateStrategy, retention policy, minReadySeconds', () => {
  const old = defaulted(statefulSets, statefulSet());
  const allowed = defaulted(statefulSets, statefulSet({ replicas: 4, minReadySeconds: 5, updateStrategy: { type: 'OnDelete' }, template: { ...podTemplate(), spec: { containers: [{ name: 'c', image: 'nginx:1.26' }] } } }));
  assert.deepEqual(errors(statefulSets, allowed, old), []);
  const renamed = defaulted(statefulSets, statefulSet({ serviceName: 'other' }));
  assert.deepEqual(errors(statefulSets, renamed, old), [
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
  ]);
});
