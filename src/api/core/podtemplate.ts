/** core/v1 PodTemplate. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { validateAnnotations, validateLabels } from '../objectmeta.js';
import { defaultPodSpec } from './pod-defaults.js';
import { validatePodSpec } from './pod-validation.js';
import { ensureObj, getObj, getStrMap } from './util.js';

/** PodTemplate defaults: the template's pod spec defaults. */
function defaults(obj: KubeObject): void {
  const template = getObj(obj, 'template');
  if (template) defaultPodSpec(ensureObj(template, 'spec'));
}

/** PodTemplate validation: template labels, annotations and pod spec via the core pod validator. */
function validate(obj: KubeObject): FieldError[] {
  const template = getObj(obj, 'template');
  const meta = getObj(template, 'metadata');
  return [
    ...validateLabels(getStrMap(meta, 'labels'), 'template.metadata.labels'),
    ...validateAnnotations(getStrMap(meta, 'annotations'), 'template.metadata.annotations'),
    ...validatePodSpec(getObj(template, 'spec'), 'template.spec'),
  ];
}

/** The `podtemplates` resource. */
export const podTemplates: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'podtemplates',
  singular: 'podtemplate',
  kind: 'PodTemplate',
  listKind: 'PodTemplateList',
  namespaced: true,
  shortNames: [],
  categories: [],
  hasStatus: false,
  fieldSelectors: {},
  defaults,
  validate,
};
