/** apps/v1 ReplicaSet. */
import type { FieldError, KubeObject } from '../meta.js';
import { replicasScale, type ResourceDef } from '../resource.js';
import { invalid } from '../field-errors.js';
import { ensureObj, getNum, getObj, setDefault } from '../core/util.js';
import { asSelector, immutableSelector, validateRequiredSelector } from './selector.js';
import { defaultTemplate, nonNegative, validateReplicaSetTemplate } from './template.js';

/** SetDefaults_ReplicaSet: replicas 1; the template's pod spec defaults. */
function defaults(obj: KubeObject): void {
  const spec = ensureObj(obj, 'spec');
  setDefault(spec, 'replicas', 1);
  defaultTemplate(spec);
}

/** Upstream's ValidateReplicaSetSpec (its empty-selector message says "deployment", as upstream's does), selector immutable on update. */
function validate(obj: KubeObject, old?: KubeObject): FieldError[] {
  const spec = getObj(obj, 'spec') ?? {};
  const errs = nonNegative(spec, 'replicas', 'spec');
  errs.push(...nonNegative(spec, 'minReadySeconds', 'spec'));
  errs.push(...validateRequiredSelector(spec.selector, 'spec.selector', 'empty selector is invalid for deployment'));
  const selector = asSelector(spec.selector);
  if (!selector) errs.push(invalid('spec.selector', spec.selector, 'invalid label selector'));
  else errs.push(...validateReplicaSetTemplate(getObj(spec, 'template'), selector, 'spec.template'));
  if (old) errs.push(...immutableSelector(spec, getObj(old, 'spec')));
  return errs;
}

/** The `replicasets` resource. */
export const replicaSets: ResourceDef = {
  group: 'apps',
  version: 'v1',
  resource: 'replicasets',
  singular: 'replicaset',
  kind: 'ReplicaSet',
  listKind: 'ReplicaSetList',
  namespaced: true,
  shortNames: ['rs'],
  categories: ['all'],
  hasStatus: true,
  tracksGeneration: true,
  scale: replicasScale,
  fieldSelectors: { 'status.replicas': (o) => String(getNum(getObj(o, 'status'), 'replicas') ?? 0) },
  defaults,
  validate,
};
