import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { limitRanges } from './limitrange.js';
import { persistentVolumes } from './persistentvolume.js';
import { persistentVolumeClaims } from './persistentvolumeclaim.js';
import { podTemplates } from './podtemplate.js';
import { parseQuantity, QUANTITY_FORMAT_ERROR } from '../quantity.js';
import { resourceQuotas } from './resourcequota.js';

const obj = (kind: string, fields: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind, metadata: { name: 'x', namespace: 'default' }, ...fields });
const errs = (def: ResourceDef, o: KubeObject, old?: KubeObject): string[] => (def.validate?.(o, old) ?? []).map((e) => `${e.field}: ${e.message}`);

void test('quantity syntax and values', () => {
  assert.deepEqual(parseQuantity('10Gi'), { value: 10 * 2 ** 30 });
  assert.deepEqual(parseQuantity('500m'), { value: 0.5 });
  assert.deepEqual(parseQuantity('1.5'), { value: 1.5 });
  assert.deepEqual(parseQuantity('1e3'), { value: 1000 });
  assert.deepEqual(parseQuantity(10), { value: 10 });
  assert.deepEqual(parseQuantity('ten'), { error: QUANTITY_FORMAT_ERROR });
  assert.deepEqual(parseQuantity('1Gm'), { error: "unable to parse quantity's suffix" });
});

void test('persistent volume defaults and validation', () => {
  const pv = obj('PersistentVolume', { spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } } });
  persistentVolumes.defaults?.(pv);
  assert.equal((pv.spec as Record<string, unknown>).persistentVolumeReclaimPolicy, 'Retain');
  assert.equal((pv.spec as Record<string, unknown>).volumeMode, 'Filesystem');
  assert.deepEqual(pv.status, { phase: 'Pending' });
  assert.deepEqual(errs(persistentVolumes, pv), []);
  assert.deepEqual(errs(persistentVolumes, obj('PersistentVolume', { spec: { accessModes: ['RWO'], hostPath: { path: '/a' }, nfs: { server: 's', path: '/' } } })), [
    'spec.capacity: Required value',
    'spec.accessModes: Unsupported value: "RWO": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
    'spec.nfs: Forbidden: may not specify more than 1 volume type',
  ]);
  assert.deepEqual(errs(persistentVolumes, obj('PersistentVolume', { spec: { capacity: { storage: 'lots' }, accessModes: [] } })), [
    `spec.capacity[storage]: Invalid value: "lots": ${QUANTITY_FORMAT_ERROR}`,
    'spec.accessModes: Required value',
    'spec: Required value: must specify a volume type',
  ]);
});

void test('claim defaults, required fields and immutable spec', () => {
  const spec = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };
  const pvc = obj('PersistentVolumeClaim', { spec });
  persistentVolumeClaims.defaults?.(pvc);
  assert.deepEqual(pvc.status, { phase: 'Pending' });
  assert.equal((pvc.spec as Record<string, unknown>).volumeMode, 'Filesystem');
  assert.deepEqual(errs(persistentVolumeClaims, pvc), []);
  assert.deepEqual(errs(persistentVolumeClaims, obj('PersistentVolumeClaim', { spec: {} })), [
    'spec.accessModes: Required value: at least 1 access mode is required',
    'spec.resources[storage]: Required value',
  ]);
  const changed = structuredClone(pvc);
  (changed.spec as Record<string, unknown>).storageClassName = 'fast';
  assert.deepEqual(errs(persistentVolumeClaims, changed, pvc), [
    'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
  ]);
  const bound: KubeObject = { ...structuredClone(pvc), status: { phase: 'Bound' } };
  const grown = structuredClone(bound);
  grown.spec = { ...spec, volumeMode: 'Filesystem', resources: { requests: { storage: '2Gi' } }, volumeAttributesClassName: 'gold' };
  assert.deepEqual(errs(persistentVolumeClaims, grown, bound), []);
  assert.equal(errs(persistentVolumeClaims, grown, pvc).length, 1, 'an unbound claim may not resize');
  assert.deepEqual(errs(persistentVolumeClaims, bound, grown), ['spec.resources.requests.storage: Forbidden: field can not be less than previous value']);
});

void test('limit range types, quantities and order', () => {
  const ok = obj('LimitRange', { spec: { limits: [{ type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '100m' }, max: { cpu: '1' } }] } });
  assert.deepEqual(errs(limitRanges, ok), []);
  const bad = obj('LimitRange', {
    spec: { limits: [{ type: 'Node' }, { type: 'Pod', default: { cpu: '1' }, min: { memory: '2Gi' }, max: { memory: '1Gi' } }, { type: 'PersistentVolumeClaim', max: { cpu: 'x' } }] },
  });
  assert.deepEqual(errs(limitRanges, bad), [
    'spec.limits[0].type: Unsupported value: "Node": supported values: "Container", "PersistentVolumeClaim", "Pod"',
    "spec.limits[1].default: Forbidden: may not be specified when `type` is 'Pod'",
    'spec.limits[1].min[memory]: Invalid value: "2Gi": min value 2Gi is greater than max value 1Gi',
    `spec.limits[2].max[cpu]: Invalid value: "x": ${QUANTITY_FORMAT_ERROR}`,
    'spec.limits[2].limits: Required value: either minimum or maximum storage value is required, but neither was provided',
  ]);
});

void test('resource quota hard quantities and scopes', () => {
  assert.deepEqual(errs(resourceQuotas, obj('ResourceQuota', { spec: { hard: { pods: 10, 'requests.cpu': '2' }, scopes: ['BestEffort'] } })), []);
  assert.deepEqual(errs(resourceQuotas, obj('ResourceQuota', { spec: { hard: { pods: '-1' }, scopes: ['Sometimes'] } })), [
    'spec.hard[pods]: Invalid value: "-1": must be greater than or equal to 0',
    'spec.scopes: Invalid value: ["Sometimes"]: unsupported scope',
  ]);
});

void test('pod template defaults and validation through the pod validator', () => {
  const t = obj('PodTemplate', { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } });
  podTemplates.defaults?.(t);
  assert.equal((t.template as { spec: { restartPolicy: string } }).spec.restartPolicy, 'Always');
  assert.deepEqual(errs(podTemplates, t), []);
  const bad = errs(podTemplates, obj('PodTemplate', { template: { spec: { containers: [] } } }));
  assert.ok(bad.some((e) => e.startsWith('template.spec.containers: Required value')), bad.join('\n'));
});
