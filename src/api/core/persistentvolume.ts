/** core/v1 PersistentVolume, and the access-mode and volume-mode checks claims share. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { forbidden, invalid, notSupported, required } from '../field-errors.js';
import { validateQuantity } from '../quantity.js';
import { ensureObj, getObj, getStr, setDefault, type Obj } from './util.js';

/** Upstream's access modes, sorted as its `supported values` lists them. */
export const ACCESS_MODES: readonly string[] = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
/** Upstream's volume modes. */
export const VOLUME_MODES: readonly string[] = ['Block', 'Filesystem'];
const RECLAIM_POLICIES: readonly string[] = ['Delete', 'Recycle', 'Retain'];
/** The persistent volume sources, one of which a PV must set. */
const SOURCES: readonly string[] = [
  'gcePersistentDisk', 'awsElasticBlockStore', 'hostPath', 'glusterfs', 'nfs', 'rbd', 'quobyte', 'cephfs', 'iscsi', 'cinder', 'fc',
  'flocker', 'flexVolume', 'azureFile', 'vsphereVolume', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'local', 'storageos', 'csi',
];

/** Validates a list of access modes: known values, ReadWriteOncePod alone. Presence is the caller's check. */
export function validateAccessModes(modes: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = Array.isArray(modes) ? modes : [];
  for (const m of list) if (typeof m !== 'string' || !ACCESS_MODES.includes(m)) errs.push(notSupported(path, m, ACCESS_MODES));
  if (list.includes('ReadWriteOncePod') && list.length > 1) errs.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

/** Validates `volumeMode` when set. */
export function validateVolumeMode(mode: unknown, path: string): FieldError[] {
  return mode === undefined || (typeof mode === 'string' && VOLUME_MODES.includes(mode)) ? [] : [notSupported(path, mode, VOLUME_MODES)];
}

/** The required string fields of the sources skiff checks in depth. */
const SOURCE_REQUIRED: Readonly<Record<string, readonly string[]>> = {
  hostPath: ['path'],
  nfs: ['server', 'path'],
  local: ['path'],
  csi: ['driver', 'volumeHandle'],
};

/** Exactly one volume source, and the required fields of the common ones. */
function validateSource(spec: Obj): FieldError[] {
  const set = SOURCES.filter((s) => spec[s] !== undefined && spec[s] !== null);
  if (set.length === 0) return [required('spec', 'must specify a volume type')];
  const errs = set.slice(1).map((s) => forbidden(`spec.${s}`, 'may not specify more than 1 volume type'));
  for (const s of set)
    for (const f of SOURCE_REQUIRED[s] ?? []) if (!getStr(getObj(spec, s), f)) errs.push(required(`spec.${s}.${f}`));
  if (set.includes('local') && !getObj(spec, 'nodeAffinity')) errs.push(required('spec.nodeAffinity', 'Local volume requires node affinity'));
  return errs;
}

/** PV defaults: reclaim policy Retain, volume mode Filesystem, a new volume's phase Pending. */
function defaults(obj: KubeObject): void {
  const spec = ensureObj(obj, 'spec');
  setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  setDefault(spec, 'volumeMode', 'Filesystem');
  setDefault(ensureObj(obj, 'status'), 'phase', 'Pending');
}

/** PV validation: storage capacity, access modes, reclaim policy, volume mode, one source. */
function validate(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = getObj(obj, 'spec') ?? {};
  const capacity = getObj(spec, 'capacity') ?? {};
  if (Object.keys(capacity).length === 0) errs.push(required('spec.capacity'));
  else if (capacity.storage === undefined || Object.keys(capacity).length > 1) errs.push(notSupported('spec.capacity', capacity, ['storage']));
  if (capacity.storage !== undefined) errs.push(...validateQuantity(capacity.storage, 'spec.capacity[storage]'));
  const modes = spec.accessModes;
  if (!Array.isArray(modes) || modes.length === 0) errs.push(required('spec.accessModes'));
  errs.push(...validateAccessModes(modes, 'spec.accessModes'));
  const policy = spec.persistentVolumeReclaimPolicy;
  if (policy !== undefined && (typeof policy !== 'string' || !RECLAIM_POLICIES.includes(policy)))
    errs.push(notSupported('spec.persistentVolumeReclaimPolicy', policy, RECLAIM_POLICIES));
  errs.push(...validateVolumeMode(spec.volumeMode, 'spec.volumeMode'));
  const sc = spec.storageClassName;
  if (sc !== undefined && typeof sc !== 'string') errs.push(invalid('spec.storageClassName', sc, 'must be a string'));
  errs.push(...validateSource(spec));
  return errs;
}

/** The `persistentvolumes` resource (cluster-scoped). */
export const persistentVolumes: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'persistentvolumes',
  singular: 'persistentvolume',
  kind: 'PersistentVolume',
  listKind: 'PersistentVolumeList',
  namespaced: false,
  shortNames: ['pv'],
  categories: [],
  hasStatus: true,
  fieldSelectors: {},
  defaults,
  validate,
};
