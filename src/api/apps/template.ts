/**
 * The pod template shared by the workload kinds: its defaults (the core
 * PodSpec defaults) and upstream's ValidatePodTemplateSpec and
 * ValidatePodTemplateSpecForReplicaSet, reusing the core pod validator.
 */
import type { FieldError } from '../meta.js';
import { forbidden, invalid, notSupported } from '../field-errors.js';
import type { LabelSelector } from '../labels.js';
import { validateAnnotations, validateLabels } from '../objectmeta.js';
import { defaultPodSpec, validatePodSpec } from '../core/index.js';
import { ensureObj, getList, getNum, getObj, getStrMap, type Obj } from '../core/util.js';

/** Fills the PodSpec defaults of `spec.template.spec` (created if absent, as Go's value-typed template is). */
export function defaultTemplate(spec: Obj): void {
  defaultPodSpec(ensureObj(ensureObj(spec, 'template'), 'spec'));
}

/** `path: Invalid value: N: must be greater than or equal to 0` for a negative number at `obj[key]`. */
export function nonNegative(obj: Obj | undefined, key: string, path: string): FieldError[] {
  const v = getNum(obj, key);
  return v !== undefined && v < 0 ? [invalid(`${path}.${key}`, v, 'must be greater than or equal to 0')] : [];
}

/** `spec.template.metadata.labels: … \`selector\` does not match template \`labels\`` unless the selector matches. */
export function selectorMismatch(template: Obj | undefined, selector: LabelSelector, path: string): FieldError[] {
  const labels = getStrMap(getObj(template, 'metadata'), 'labels');
  if (selector.matches(labels ?? {})) return [];
  return [invalid(`${path}.metadata.labels`, labels ?? null, '`selector` does not match template `labels`')];
}

/** Upstream's ValidatePodTemplateSpec: template labels and annotations (Go paths, no `metadata`), the pod spec. */
export function validatePodTemplate(template: Obj | undefined, path: string): FieldError[] {
  const meta = getObj(template, 'metadata');
  const errs = validateLabels(getStrMap(meta, 'labels'), `${path}.labels`);
  errs.push(...validateAnnotations(getStrMap(meta, 'annotations'), `${path}.annotations`));
  const spec = getObj(template, 'spec');
  errs.push(...validatePodSpec(spec, `${path}.spec`));
  if (getList(spec, 'ephemeralContainers').length > 0)
    errs.push(forbidden(`${path}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  return errs;
}

/** restartPolicy must be Always and activeDeadlineSeconds absent in a controller's pods; `kind` names it in the message. */
export function validateLongRunning(template: Obj | undefined, path: string, kind: string): FieldError[] {
  const errs: FieldError[] = [];
  const spec = getObj(template, 'spec');
  const rp = spec?.restartPolicy;
  if (rp !== 'Always') errs.push(notSupported(`${path}.spec.restartPolicy`, typeof rp === 'string' ? rp : '', ['Always']));
  if (spec?.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null)
    errs.push(forbidden(`${path}.spec.activeDeadlineSeconds`, `activeDeadlineSeconds in ${kind} is not Supported`));
  return errs;
}

/** Upstream's ValidatePodTemplateSpecForReplicaSet (Deployment and ReplicaSet). */
export function validateReplicaSetTemplate(template: Obj | undefined, selector: LabelSelector, path: string): FieldError[] {
  const errs = selector.empty ? [] : selectorMismatch(template, selector, path);
  errs.push(...validatePodTemplate(template, path));
  errs.push(...validateLongRunning(template, path, 'ReplicaSet'));
  return errs;
}
