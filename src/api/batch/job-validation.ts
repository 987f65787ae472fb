/** Job validation (pkg/apis/batch/validation) with upstream's fields and messages. */
import type { FieldError, KubeObject } from '../meta.js';
import { invalid, notSupported, required } from '../field-errors.js';
import { fromLabelSelector } from '../labels.js';
import { validateAnnotations, validateLabels } from '../objectmeta.js';
import { validatePodSpec } from '../core/index.js';
import { getObj, getStr, getStrMap, isObj, type Obj } from '../core/util.js';
import { immutable, nonNegative, validateLabelSelector } from './selector.js';
import { CONTROLLER_UID_LABEL, JOB_NAME_LABEL, LEGACY_CONTROLLER_UID_LABEL, LEGACY_JOB_NAME_LABEL } from './job-defaults.js';

const MAX_PARALLELISM_INDEXED = 100000;
const REPLACEMENT_POLICIES = ['Failed', 'TerminatingOrFailed'];

/** Matches a metav1.LabelSelector against labels; a selector that cannot be parsed matches (its errors are reported elsewhere). */
function selectorMatches(sel: Obj | undefined, labels: Record<string, string>): boolean {
  try {
    return fromLabelSelector(sel).matches(labels);
  } catch {
    return true;
  }
}

/** ValidatePodTemplateSpec plus the Job's restartPolicy rule, at `path` (`spec.template`). */
function validateTemplate(spec: Obj, path: string): FieldError[] {
  const template = getObj(spec, 'template');
  const meta = getObj(template, 'metadata');
  const errs = validateLabels(getStrMap(meta, 'labels'), `${path}.metadata.labels`);
  errs.push(...validateAnnotations(getStrMap(meta, 'annotations'), `${path}.metadata.annotations`));
  const podSpec = getObj(template, 'spec');
  errs.push(...validatePodSpec(podSpec, `${path}.spec`));
  const rp = getStr(podSpec, 'restartPolicy') ?? '';
  if (rp === 'Always' || rp === '') errs.push(required(`${path}.spec.restartPolicy`, 'valid values: "OnFailure", "Never"'));
  else if (rp !== 'OnFailure' && rp !== 'Never') errs.push(notSupported(`${path}.spec.restartPolicy`, rp, ['OnFailure', 'Never']));
  else if (spec.podFailurePolicy != null && rp !== 'Never')
    errs.push(invalid(`${path}.spec.restartPolicy`, rp, 'only "Never" is supported when podFailurePolicy is specified'));
  return errs;
}

/** Upstream's validateJobSpec: what a Job and a CronJob's job template share (no selector rules). */
export function validateJobSpecCommon(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes'])
    errs.push(...nonNegative(spec, f, `${path}.${f}`));
  if (spec.maxFailedIndexes != null && spec.backoffLimitPerIndex == null)
    errs.push(required(`${path}.backoffLimitPerIndex`, 'when maxFailedIndexes is specified'));
  const mode = getStr(spec, 'completionMode');
  if (mode !== undefined && mode !== 'NonIndexed' && mode !== 'Indexed')
    errs.push(notSupported(`${path}.completionMode`, mode, ['NonIndexed', 'Indexed']));
  if (mode === 'Indexed') {
    if (spec.completions == null) errs.push(required(`${path}.completions`, 'when completion mode is Indexed'));
    if (typeof spec.parallelism === 'number' && spec.parallelism > MAX_PARALLELISM_INDEXED)
      errs.push(invalid(`${path}.parallelism`, spec.parallelism, `must be less than or equal to ${MAX_PARALLELISM_INDEXED} when completion mode is Indexed`));
    if (typeof spec.completions === 'number' && typeof spec.maxFailedIndexes === 'number' && spec.maxFailedIndexes > spec.completions)
      errs.push(invalid(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, 'must be less than or equal to completions'));
  } else {
    for (const f of ['backoffLimitPerIndex', 'maxFailedIndexes'])
      if (spec[f] != null) errs.push(invalid(`${path}.${f}`, spec[f], 'requires indexed completion mode'));
    if (isObj(spec.successPolicy)) errs.push(invalid(`${path}.successPolicy`, spec.successPolicy, 'requires indexed completion mode'));
  }
  const rpp = getStr(spec, 'podReplacementPolicy');
  if (rpp !== undefined) {
    if (spec.podFailurePolicy != null && rpp !== 'Failed') errs.push(notSupported(`${path}.podReplacementPolicy`, rpp, ['Failed']));
    else if (!REPLACEMENT_POLICIES.includes(rpp)) errs.push(notSupported(`${path}.podReplacementPolicy`, rpp, REPLACEMENT_POLICIES));
  }
  errs.push(...validateTemplate(spec, `${path}.template`));
  return errs;
}

/** Upstream's ValidateJobSpec: the common rules, a valid selector, and a template the selector matches. */
function validateJobSpec(spec: Obj, path: string): FieldError[] {
  const errs = validateJobSpecCommon(spec, path);
  const selector = getObj(spec, 'selector');
  if (!selector) errs.push(required(`${path}.selector`));
  else errs.push(...validateLabelSelector(selector, `${path}.selector`));
  const labels = getStrMap(getObj(getObj(spec, 'template'), 'metadata'), 'labels') ?? {};
  if (selector && !selectorMatches(selector, labels))
    errs.push(invalid(`${path}.template.metadata.labels`, labels, '`selector` does not match template `labels`'));
  return errs;
}

/** Upstream's ValidateHasLabel on the pod template's labels. */
function hasLabel(labels: Record<string, string>, key: string, want: string): FieldError[] {
  const path = `spec.template.metadata.labels[${key}]`;
  const got = labels[key];
  if (got === undefined) return [required(path, want)];
  return got === want ? [] : [invalid(path, labels, `must be '${want}'`)];
}

/** Upstream's validateGeneratedSelector: unless the selector is manual, the generated labels and selector must be intact. */
function validateGeneratedSelector(obj: KubeObject, spec: Obj, prefixed: boolean): FieldError[] {
  const selector = getObj(spec, 'selector');
  if (spec.manualSelector === true || !selector) return [];
  const errs: FieldError[] = [];
  const uid = obj.metadata.uid ?? '';
  const name = obj.metadata.name ?? '';
  if (uid === '') errs.push(required('metadata.uid'));
  const labels = getStrMap(getObj(getObj(spec, 'template'), 'metadata'), 'labels') ?? {};
  errs.push(...hasLabel(labels, LEGACY_CONTROLLER_UID_LABEL, uid), ...hasLabel(labels, LEGACY_JOB_NAME_LABEL, name));
  const expected: Record<string, string> = { [LEGACY_CONTROLLER_UID_LABEL]: uid, [LEGACY_JOB_NAME_LABEL]: name };
  if (prefixed) {
    errs.push(...hasLabel(labels, CONTROLLER_UID_LABEL, uid), ...hasLabel(labels, JOB_NAME_LABEL, name));
    expected[CONTROLLER_UID_LABEL] = uid;
    expected[JOB_NAME_LABEL] = name;
  }
  if (!selectorMatches(selector, expected)) errs.push(invalid('spec.selector', selector, '`selector` not auto-generated'));
  return errs;
}

/** Completions are immutable, except that an Indexed Job may change them in tandem with parallelism (elastic Jobs). */
function validateCompletionsUpdate(spec: Obj, oldSpec: Obj): FieldError[] {
  if (getStr(spec, 'completionMode') !== 'Indexed') return immutable(spec.completions, oldSpec.completions, 'spec.completions');
  if (spec.completions == null || spec.completions === oldSpec.completions) return [];
  return spec.completions === spec.parallelism ? [] : [invalid('spec.completions', spec.completions, 'can only be modified in tandem with spec.parallelism')];
}

/** Job validation on create (`old` undefined) and update (selector, template and modes immutable). */
export function validateJob(obj: KubeObject, old?: KubeObject): FieldError[] {
  const spec = getObj(obj, 'spec') ?? {};
  const oldSpec = old ? (getObj(old, 'spec') ?? {}) : undefined;
  // As upstream, the prefixed labels are required of new Jobs and of Jobs that already carry them.
  const oldLabels = getStrMap(getObj(getObj(oldSpec, 'template'), 'metadata'), 'labels');
  const prefixed = !oldSpec || oldLabels?.[CONTROLLER_UID_LABEL] !== undefined;
  const errs = validateGeneratedSelector(obj, spec, prefixed);
  errs.push(...validateJobSpec(spec, 'spec'));
  const completions = spec.completions;
  if (getStr(spec, 'completionMode') === 'Indexed' && typeof completions === 'number' && completions > 0) {
    const host = `${obj.metadata.name ?? ''}-${completions - 1}`;
    if (host.length > 63 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(host))
      errs.push(invalid('metadata.name', obj.metadata.name ?? '', `will not able to create pod with invalid DNS label: ${host}`));
  }
  if (!oldSpec) return errs;
  errs.push(...validateCompletionsUpdate(spec, oldSpec));
  for (const f of ['selector', 'template', 'completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy'])
    errs.push(...immutable(spec[f], oldSpec[f], `spec.${f}`));
  return errs;
}
