import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coreV1 } from './index.js';

void test('core/v1 resources carry upstream names, short names, categories and status', () => {
  const table = coreV1.map((d) => [d.resource, d.singular, d.kind, d.namespaced, d.shortNames.join(','), d.categories.join(','), d.hasStatus]);
  assert.deepEqual(table, [
    ['namespaces', 'namespace', 'Namespace', false, 'ns', '', true],
    ['pods', 'pod', 'Pod', true, 'po', 'all', true],
    ['configmaps', 'configmap', 'ConfigMap', true, 'cm', '', false],
    ['secrets', 'secret', 'Secret', true, '', '', false],
    ['services', 'service', 'Service', true, 'svc', 'all', true],
    ['endpoints', 'endpoints', 'Endpoints', true, 'ep', '', false],
    ['nodes', 'node', 'Node', false, 'no', '', true],
    ['events', 'event', 'Event', true, 'ev', '', false],
    ['serviceaccounts', 'serviceaccount', 'ServiceAccount', true, 'sa', '', false],
    ['replicationcontrollers', 'replicationcontroller', 'ReplicationController', true, 'rc', 'all', true],
    ['persistentvolumes', 'persistentvolume', 'PersistentVolume', false, 'pv', '', true],
    ['persistentvolumeclaims', 'persistentvolumeclaim', 'PersistentVolumeClaim', true, 'pvc', '', true],
    ['limitranges', 'limitrange', 'LimitRange', true, 'limits', '', false],
    ['resourcequotas', 'resourcequota', 'ResourceQuota', true, 'quota', '', true],
    ['podtemplates', 'podtemplate', 'PodTemplate', true, '', '', false],
  ]);
  for (const d of coreV1) {
    assert.equal(d.group, '');
    assert.equal(d.version, 'v1');
    assert.equal(d.listKind, `${d.kind}List`);
  }
  const fs = Object.fromEntries(coreV1.map((d) => [d.resource, Object.keys(d.fieldSelectors).sort()]));
  assert.deepEqual(fs.pods, [
    'spec.hostNetwork', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName',
    'status.nominatedNodeName', 'status.phase', 'status.podIP',
  ]);
  assert.deepEqual(fs.nodes, ['spec.unschedulable']);
  assert.deepEqual(fs.namespaces, ['status.phase']);
  assert.deepEqual(fs.secrets, ['type']);
  assert.deepEqual(fs.replicationcontrollers, ['status.replicas']);
  assert.equal(fs.events?.length, 11);
  assert.deepEqual(coreV1.filter((d) => d.gracefulDelete).map((d) => d.resource), ['pods']);
});
