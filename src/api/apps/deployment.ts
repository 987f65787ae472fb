/** apps/v1 Deployment. */
import type { FieldError, KubeObject } from '../meta.js';
import { replicasScale, type ResourceDef } from '../resource.js';
import { forbidden, invalid, notSupported, required } from '../field-errors.js';
import { ensureObj, getNum, getObj, isObj, setDefault, type Obj } from '../core/util.js';
import { intOrPercentValue, notMoreThan100Percent, validatePositiveIntOrPercent } from './intorpercent.js';
import { asSelector, immutableSelector, validateRequiredSelector } from './selector.js';
import { defaultTemplate, nonNegative, validateReplicaSetTemplate } from './template.js';

/** SetDefaults_Deployment: replicas 1, RollingUpdate 25%/25%, revisionHistoryLimit 10, progressDeadlineSeconds 600. */
function defaults(obj: KubeObject): void {
  const spec = ensureObj(obj, 'spec');
  setDefault(spec, 'replicas', 1);
  const strategy = ensureObj(spec, 'strategy');
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = ensureObj(strategy, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', '25%');
    setDefault(ru, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultTemplate(spec);
}

/** Upstream's ValidateRollingUpdateDeployment. */
function validateRollingUpdate(ru: Obj, path: string): FieldError[] {
  const errs = validatePositiveIntOrPercent(ru.maxUnavailable, `${path}.maxUnavailable`);
  errs.push(...validatePositiveIntOrPercent(ru.maxSurge, `${path}.maxSurge`));
  if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0)
    errs.push(invalid(`${path}.maxUnavailable`, ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
  errs.push(...notMoreThan100Percent(ru.maxUnavailable, `${path}.maxUnavailable`));
  return errs;
}

/** Upstream's ValidateDeploymentStrategy. */
function validateStrategy(strategy: Obj | undefined, path: string): FieldError[] {
  const ru = strategy?.rollingUpdate;
  switch (strategy?.type) {
    case 'Recreate':
      return isObj(ru) ? [forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")] : [];
    case 'RollingUpdate':
      return isObj(ru) ? validateRollingUpdate(ru, `${path}.rollingUpdate`) : [required(`${path}.rollingUpdate`, 'this should be defaulted and never be nil')];
    default:
      return [notSupported(path, strategy ?? {}, ['Recreate', 'RollingUpdate'])];
  }
}

/** Upstream's ValidateDeploymentSpec, and on update the apps/v1 rule that the selector is immutable. */
function validate(obj: KubeObject, old?: KubeObject): FieldError[] {
  const spec = getObj(obj, 'spec') ?? {};
  const errs = nonNegative(spec, 'replicas', 'spec');
  errs.push(...validateRequiredSelector(spec.selector, 'spec.selector', 'empty selector is invalid for deployment'));
  const selector = asSelector(spec.selector);
  if (!selector) errs.push(invalid('spec.selector', spec.selector, 'invalid label selector'));
  else errs.push(...validateReplicaSetTemplate(getObj(spec, 'template'), selector, 'spec.template'));
  errs.push(...validateStrategy(getObj(spec, 'strategy'), 'spec.strategy'));
  errs.push(...nonNegative(spec, 'minReadySeconds', 'spec'));
  errs.push(...nonNegative(spec, 'revisionHistoryLimit', 'spec'));
  const pds = getNum(spec, 'progressDeadlineSeconds');
  if (pds !== undefined) {
    errs.push(...nonNegative(spec, 'progressDeadlineSeconds', 'spec'));
    if (pds <= (getNum(spec, 'minReadySeconds') ?? 0))
      errs.push(invalid('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'));
  }
  if (old) errs.push(...immutableSelector(spec, getObj(old, 'spec')));
  return errs;
}

/** The `deployments` resource. */
export const deployments: ResourceDef = {
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  singular: 'deployment',
  kind: 'Deployment',
  listKind: 'DeploymentList',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  hasStatus: true,
  tracksGeneration: true,
  scale: replicasScale,
  fieldSelectors: {},
  defaults,
  validate,
};
