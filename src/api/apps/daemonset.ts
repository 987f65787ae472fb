/** apps/v1 DaemonSet. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { invalid, notSupported, required } from '../field-errors.js';
import { ensureObj, getObj, isObj, setDefault, type Obj } from '../core/util.js';
import { intOrPercentValue, notMoreThan100Percent, validatePositiveIntOrPercent } from './intorpercent.js';
import { asSelector, immutableSelector, selectorSize, validateLabelSelector } from './selector.js';
import { defaultTemplate, nonNegative, selectorMismatch, validateLongRunning, validatePodTemplate } from './template.js';

/** SetDefaults_DaemonSet: RollingUpdate with maxUnavailable 1 and maxSurge 0, revisionHistoryLimit 10. */
function defaults(obj: KubeObject): void {
  const spec = ensureObj(obj, 'spec');
  const strategy = ensureObj(spec, 'updateStrategy');
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = ensureObj(strategy, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', 1);
    setDefault(ru, 'maxSurge', 0);
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultTemplate(spec);
}

/** Upstream's ValidateRollingUpdateDaemonSet: exactly one of maxUnavailable and maxSurge is non-zero. */
function validateRollingUpdate(ru: Obj, path: string): FieldError[] {
  const errs = validatePositiveIntOrPercent(ru.maxUnavailable, `${path}.maxUnavailable`);
  errs.push(...validatePositiveIntOrPercent(ru.maxSurge, `${path}.maxSurge`));
  errs.push(...notMoreThan100Percent(ru.maxUnavailable, `${path}.maxUnavailable`));
  errs.push(...notMoreThan100Percent(ru.maxSurge, `${path}.maxSurge`));
  const unavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
  const surge = intOrPercentValue(ru.maxSurge) !== 0;
  if (unavailable && surge) errs.push(invalid(`${path}.maxSurge`, ru.maxSurge, 'may not be set when maxUnavailable is non-zero'));
  if (!unavailable && !surge) errs.push(required(`${path}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
  return errs;
}

/** Upstream's ValidateDaemonSetUpdateStrategy. */
function validateStrategy(strategy: Obj | undefined, path: string): FieldError[] {
  switch (strategy?.type) {
    case 'OnDelete':
      return [];
    case 'RollingUpdate':
      return isObj(strategy.rollingUpdate) ? validateRollingUpdate(strategy.rollingUpdate, `${path}.rollingUpdate`) : [required(`${path}.rollingUpdate`)];
    default:
      return [notSupported(path, strategy ?? {}, ['RollingUpdate', 'OnDelete'])];
  }
}

/** Upstream's ValidateDaemonSetSpec (a missing selector shows as a mismatch, as upstream), selector immutable on update. */
function validate(obj: KubeObject, old?: KubeObject): FieldError[] {
  const spec = getObj(obj, 'spec') ?? {};
  const sel = isObj(spec.selector) ? spec.selector : undefined;
  const template = getObj(spec, 'template');
  const errs = validateLabelSelector(sel, 'spec.selector');
  const selector = asSelector(sel);
  if (selector) errs.push(...selectorMismatch(template, selector, 'spec.template'));
  if (sel && selectorSize(sel) === 0) errs.push(invalid('spec.selector', sel, 'empty selector is invalid for daemonset'));
  errs.push(...validatePodTemplate(template, 'spec.template'));
  errs.push(...validateLongRunning(template, 'spec.template', 'DaemonSet'));
  errs.push(...nonNegative(spec, 'minReadySeconds', 'spec'));
  errs.push(...validateStrategy(getObj(spec, 'updateStrategy'), 'spec.updateStrategy'));
  errs.push(...nonNegative(spec, 'revisionHistoryLimit', 'spec'));
  if (old) errs.push(...immutableSelector(spec, getObj(old, 'spec')));
  return errs;
}

/** The `daemonsets` resource. */
export const daemonSets: ResourceDef = {
  group: 'apps',
  version: 'v1',
  resource: 'daemonsets',
  singular: 'daemonset',
  kind: 'DaemonSet',
  listKind: 'DaemonSetList',
  namespaced: true,
  shortNames: ['ds'],
  categories: ['all'],
  hasStatus: true,
  tracksGeneration: true,
  fieldSelectors: {},
  defaults,
  validate,
};
