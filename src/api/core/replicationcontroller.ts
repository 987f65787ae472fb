/** core/v1 ReplicationController. */
import type { FieldError, KubeObject } from '../meta.js';
import { replicasScale, type ResourceDef } from '../resource.js';
import { invalid, notSupported, required } from '../field-errors.js';
import { selectorFromSet } from '../labels.js';
import { validateAnnotations, validateLabels } from '../objectmeta.js';
import { defaultPodSpec } from './pod-defaults.js';
import { validatePodSpec } from './pod-validation.js';
import { ensureObj, getNum, getObj, getStrMap } from './util.js';

/** RC defaults: selector and labels from the template's labels, replicas 1, template pod defaults. */
function defaults(obj: KubeObject): void {
  const spec = ensureObj(obj, 'spec');
  const template = getObj(spec, 'template');
  if (template) {
    const labels = getStrMap(getObj(template, 'metadata'), 'labels') ?? {};
    if (Object.keys(getStrMap(spec, 'selector') ?? {}).length === 0) spec.selector = { ...labels };
    if (Object.keys(obj.metadata.labels ?? {}).length === 0 && Object.keys(labels).length > 0)
      obj.metadata.labels = { ...labels };
    defaultPodSpec(ensureObj(template, 'spec'));
  }
  if (typeof spec.replicas !== 'number') spec.replicas = 1;
}

/** RC validation: non-empty selector matching the template, replicas, template spec (restartPolicy Always). */
function validate(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = getObj(obj, 'spec') ?? {};
  for (const f of ['minReadySeconds', 'replicas']) {
    const v = getNum(spec, f) ?? 0;
    if (v < 0) errs.push(invalid(`spec.${f}`, v, 'must be greater than or equal to 0'));
  }
  const selector = getStrMap(spec, 'selector') ?? {};
  if (Object.keys(selector).length === 0) errs.push(required('spec.selector'));
  errs.push(...validateLabels(selector, 'spec.selector'));
  const template = getObj(spec, 'template');
  if (!template) {
    errs.push(required('spec.template'));
    return errs;
  }
  const meta = getObj(template, 'metadata');
  const labels = getStrMap(meta, 'labels') ?? {};
  if (Object.keys(selector).length > 0 && !selectorFromSet(selector).matches(labels))
    errs.push(invalid('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
  errs.push(...validateLabels(labels, 'spec.template.metadata.labels'));
  errs.push(...validateAnnotations(getStrMap(meta, 'annotations'), 'spec.template.metadata.annotations'));
  const podSpec = getObj(template, 'spec');
  errs.push(...validatePodSpec(podSpec, 'spec.template.spec'));
  const rp = podSpec?.restartPolicy;
  if (rp !== 'Always' && typeof rp === 'string' && rp !== '')
    errs.push(notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
  if (podSpec?.activeDeadlineSeconds !== undefined)
    errs.push(
      invalid('spec.template.spec.activeDeadlineSeconds', podSpec.activeDeadlineSeconds, 'activeDeadlineSeconds in ReplicationController is not Supported'),
    );
  return errs;
}

/** The `replicationcontrollers` resource. */
export const replicationControllers: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'replicationcontrollers',
  singular: 'replicationcontroller',
  kind: 'ReplicationController',
  listKind: 'ReplicationControllerList',
  namespaced: true,
  shortNames: ['rc'],
  categories: ['all'],
  hasStatus: true,
  tracksGeneration: true,
  scale: replicasScale,
  fieldSelectors: { 'status.replicas': (o) => String(getNum(getObj(o, 'status'), 'replicas') ?? 0) },
  defaults,
  validate,
};
