/** apps/v1 StatefulSet. */
import type { FieldError, KubeObject } from '../meta.js';
import { replicasScale, type ResourceDef } from '../resource.js';
import { forbidden, invalid, notSupported, required } from '../field-errors.js';
import { nameIsDNSLabel } from '../validation.js';
import { validateAnnotations, validateLabels } from '../objectmeta.js';
import { ensureObj, getList, getObj, getStrMap, isObj, jsonEqual, setDefault, type Obj } from '../core/util.js';
import { intOrPercentValue, notMoreThan100Percent, validatePositiveIntOrPercent } from './intorpercent.js';
import { asSelector, validateRequiredSelector } from './selector.js';
import { defaultTemplate, nonNegative, selectorMismatch, validateLongRunning } from './template.js';

const retentionPolicies = ['Retain', 'Delete'];

/** The PVC defaults of each volume claim template (type meta, Filesystem mode, Pending phase). */
function defaultClaimTemplate(pvc: Obj): void {
  setDefault(pvc, 'apiVersion', 'v1');
  setDefault(pvc, 'kind', 'PersistentVolumeClaim');
  setDefault(ensureObj(pvc, 'spec'), 'volumeMode', 'Filesystem');
  const status = ensureObj(pvc, 'status');
  if (!status.phase) status.phase = 'Pending';
}

/** SetDefaults_StatefulSet with upstream's default feature gates (MaxUnavailableStatefulSet off, so that field is dropped). */
function defaults(obj: KubeObject): void {
  const spec = ensureObj(obj, 'spec');
  if (!spec.podManagementPolicy) spec.podManagementPolicy = 'OrderedReady';
  const strategy = ensureObj(spec, 'updateStrategy');
  if (!strategy.type) {
    strategy.type = 'RollingUpdate';
    if (!isObj(strategy.rollingUpdate)) strategy.rollingUpdate = {};
  }
  if (isObj(strategy.rollingUpdate)) {
    delete strategy.rollingUpdate.maxUnavailable;
    if (strategy.type === 'RollingUpdate') setDefault(strategy.rollingUpdate, 'partition', 0);
  }
  const retention = ensureObj(spec, 'persistentVolumeClaimRetentionPolicy');
  if (!retention.whenDeleted) retention.whenDeleted = 'Retain';
  if (!retention.whenScaled) retention.whenScaled = 'Retain';
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultTemplate(spec);
  for (const pvc of getList(spec, 'volumeClaimTemplates')) defaultClaimTemplate(pvc);
}

/** Upstream's validateRollingUpdateStatefulSet. */
function validateRollingUpdate(ru: Obj, path: string): FieldError[] {
  const errs = nonNegative(ru, 'partition', path);
  const mu = ru.maxUnavailable;
  if (mu !== undefined && mu !== null) {
    errs.push(...validatePositiveIntOrPercent(mu, `${path}.maxUnavailable`));
    if (intOrPercentValue(mu) === 0) errs.push(invalid(`${path}.maxUnavailable`, mu, 'cannot be 0'));
    errs.push(...notMoreThan100Percent(mu, `${path}.maxUnavailable`));
  }
  return errs;
}

/** Pod management, update strategy and PVC retention policy. */
function validatePolicies(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const pmp = spec.podManagementPolicy;
  if (pmp === undefined || pmp === null || pmp === '') errs.push(required('spec.podManagementPolicy'));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel')
    errs.push(invalid('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"));
  const strategy = getObj(spec, 'updateStrategy') ?? {};
  const ru = getObj(strategy, 'rollingUpdate');
  const type = strategy.type;
  if (type === undefined || type === null || type === '') errs.push(required('spec.updateStrategy'));
  else if (type === 'OnDelete') {
    if (ru) errs.push(invalid('spec.updateStrategy.rollingUpdate', ru, "only allowed for updateStrategy 'RollingUpdate'"));
  } else if (type === 'RollingUpdate') {
    if (ru) errs.push(...validateRollingUpdate(ru, 'spec.updateStrategy.rollingUpdate'));
  } else errs.push(invalid('spec.updateStrategy', strategy, "must be 'RollingUpdate' or 'OnDelete'"));
  const retention = getObj(spec, 'persistentVolumeClaimRetentionPolicy');
  if (retention)
    for (const f of ['whenDeleted', 'whenScaled']) {
      const v = retention[f];
      if (typeof v !== 'string' || !retentionPolicies.includes(v))
        errs.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${f}`, v ?? '', retentionPolicies));
    }
  return errs;
}

/** The spec fields an update may change; any other change is forbidden. */
const mutableFields = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

/** Upstream's ValidateStatefulSetSpec (which, as upstream, does not validate the template's pod spec) and update rule. */
function validate(obj: KubeObject, old?: KubeObject): FieldError[] {
  const spec = getObj(obj, 'spec') ?? {};
  const errs = validatePolicies(spec);
  errs.push(...nonNegative(spec, 'replicas', 'spec'), ...nonNegative(spec, 'minReadySeconds', 'spec'));
  errs.push(...nonNegative(getObj(spec, 'ordinals'), 'start', 'spec.ordinals'));
  errs.push(...validateRequiredSelector(spec.selector, 'spec.selector', 'empty selector is invalid for statefulset'));
  const selector = asSelector(spec.selector);
  const template = getObj(spec, 'template');
  if (!selector) errs.push(invalid('spec.selector', spec.selector, ''));
  else {
    if (!selector.empty) errs.push(...selectorMismatch(template, selector, 'spec.template'));
    const meta = getObj(template, 'metadata');
    errs.push(...validateLabels(getStrMap(meta, 'labels'), 'spec.template.labels'));
    errs.push(...validateAnnotations(getStrMap(meta, 'annotations'), 'spec.template.annotations'));
  }
  errs.push(...validateLongRunning(template, 'spec.template', 'StatefulSet'));
  const oldSpec = old ? getObj(old, 'spec') : undefined;
  if (old && !jsonEqual(withoutMutable(spec), withoutMutable(oldSpec ?? {})))
    errs.push(
      forbidden(
        'spec',
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  return errs;
}

/** A spec without the fields an update may change. */
function withoutMutable(spec: Obj): Obj {
  return Object.fromEntries(Object.entries(spec).filter(([k]) => !mutableFields.includes(k)));
}

/** The `statefulsets` resource. */
export const statefulSets: ResourceDef = {
  group: 'apps',
  version: 'v1',
  resource: 'statefulsets',
  singular: 'statefulset',
  kind: 'StatefulSet',
  listKind: 'StatefulSetList',
  namespaced: true,
  shortNames: ['sts'],
  categories: ['all'],
  hasStatus: true,
  tracksGeneration: true,
  scale: replicasScale,
  fieldSelectors: {},
  defaults,
  validate,
  validateName: (name) => nameIsDNSLabel(name),
};
