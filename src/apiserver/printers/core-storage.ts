import type { KubeObject } from '../../api/meta.js';
import { age, ageCol, arr, col, formatLabels, get, nameCol, str, type Printer } from './helpers.js';

const MODE_ABBREV: readonly (readonly [string, string])[] = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

/** Upstream's GetAccessModesAsString: RWO,ROX,RWX,RWOP in that order, each once. */
function accessModes(v: unknown): string {
  const modes = arr(v).map(String);
  return MODE_ABBREV.filter(([m]) => modes.includes(m)).map(([, a]) => a).join(',');
}

const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const phase = (o: KubeObject) => (o.metadata.deletionTimestamp ? 'Terminating' : text(get(o, 'status', 'phase')));
/** The storage class: the beta annotation wins over the field, as upstream's helper. */
const storageClass = (o: KubeObject) => o.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? text(get(o, 'spec', 'storageClassName'));
const unset = (v: unknown) => (typeof v === 'string' ? v : '<unset>');

/** `resource: used/hard` for the quota's status.hard keys, split into requests and `limits.*`. */
function quotaColumns(q: KubeObject): [string, string] {
  const hard = get(q, 'status', 'hard');
  const keys = hard && typeof hard === 'object' ? Object.keys(hard).sort() : [];
  const request: string[] = [];
  const limit: string[] = [];
  for (const k of keys) {
    const used = get(q, 'status', 'used', k);
    const cell = `${k}: ${text(used) || '0'}/${text(get(hard, k))}`;
    const pieces = k.split('.');
    (pieces.length > 1 && pieces[0] === 'limits' ? limit : request).push(cell);
  }
  return [request.join(', '), limit.join(', ')];
}

/** Printers of the core/v1 storage, quota and template kinds, by kind. */
export const coreStoragePrinters: Record<string, Printer> = {
  PersistentVolume: {
    columns: [nameCol, col('Capacity'), col('Access Modes'), col('Reclaim Policy'), col('Status'), col('Claim'), col('StorageClass'), col('VolumeAttributesClass'), col('Reason'), ageCol, col('VolumeMode', 1)],
    row: (pv, now) => {
      const ref = get(pv, 'spec', 'claimRef');
      const claim = ref ? `${text(get(ref, 'namespace'))}/${text(get(ref, 'name'))}` : '';
      const spec = (f: string) => get(pv, 'spec', f);
      return [pv.metadata.name ?? '', text(get(pv, 'spec', 'capacity', 'storage')) || '0', accessModes(spec('accessModes')), text(spec('persistentVolumeReclaimPolicy')), phase(pv), claim, storageClass(pv), unset(spec('volumeAttributesClassName')), text(get(pv, 'status', 'reason')), age(pv.metadata.creationTimestamp, now), unset(spec('volumeMode'))];
    },
  },
  PersistentVolumeClaim: {
    columns: [nameCol, col('Status'), col('Volume'), col('Capacity'), col('Access Modes'), col('StorageClass'), col('VolumeAttributesClass'), ageCol, col('VolumeMode', 1)],
    row: (c, now) => {
      const volume = text(get(c, 'spec', 'volumeName'));
      const capacity = volume ? text(get(c, 'status', 'capacity', 'storage')) || '0' : '';
      const modes = volume ? accessModes(get(c, 'status', 'accessModes')) : '';
      const vac = unset(get(c, 'status', 'currentVolumeAttributesClassName'));
      return [c.metadata.name ?? '', phase(c), volume, capacity, modes, storageClass(c), vac, age(c.metadata.creationTimestamp, now), unset(get(c, 'spec', 'volumeMode'))];
    },
  },
  LimitRange: {
    columns: [nameCol, { name: 'Created At', type: 'date', priority: 0 }],
    row: (l) => [l.metadata.name ?? '', l.metadata.creationTimestamp ?? ''],
  },
  ResourceQuota: {
    columns: [nameCol, col('Request'), col('Limit'), ageCol],
    row: (q, now) => [q.metadata.name ?? '', ...quotaColumns(q), age(q.metadata.creationTimestamp, now)],
  },
  PodTemplate: {
    columns: [nameCol, col('Containers'), col('Images'), col('Pod Labels')],
    row: (t) => {
      const containers = arr(get(t, 'template', 'spec', 'containers'));
      return [t.metadata.name ?? '', containers.map((c) => str(get(c, 'name'), '')).join(','), containers.map((c) => str(get(c, 'image'), '')).join(','), formatLabels(get(t, 'template', 'metadata', 'labels'))];
    },
  },
};
