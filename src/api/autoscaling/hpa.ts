/** autoscaling/v2 HorizontalPodAutoscaler: the stored version, its defaults and validation. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { forbidden, invalid, notSupported, required } from '../field-errors.js';
import { parseQuantity } from '../quantity.js';
import { isDNS1123Label } from '../validation.js';
import { isValidPathSegmentName } from '../networking/names.js';
import { getList, getNum, getObj, getStr, isObj, type Obj } from '../core/util.js';

/** Upstream's DefaultCPUUtilization: the target when an HPA names no metric. */
export const defaultCPUUtilization = 80;
const maxPeriodSeconds = 1800;
const maxStabilizationWindowSeconds = 3600;

/** Scale-up rules when `behavior` is set without them (upstream's defaultHPAScaleUpRules). */
const scaleUpRules = () => ({
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
});
/** Scale-down rules; the window stays unset (the controller's flag decides it). */
const scaleDownRules = () => ({ selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });

/** Fill the unset fields of one direction's rules from `base`, as upstream's copyHPAScalingRules. */
function fillRules(given: unknown, base: Obj): Obj {
  if (!isObj(given)) return base;
  const out = { ...base };
  for (const k of ['selectPolicy', 'stabilizationWindowSeconds', 'policies', 'tolerance']) if (given[k] !== undefined && given[k] !== null) out[k] = given[k];
  return out;
}

/** Upstream's autoscaling/v2 SetDefaults_HorizontalPodAutoscaler. */
export function defaultHPA(obj: KubeObject): void {
  const spec = (isObj(obj.spec) ? obj.spec : (obj.spec = {}));
  spec.minReplicas ??= 1;
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0)
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: defaultCPUUtilization } } }];
  const behavior = getObj(spec, 'behavior');
  if (behavior) {
    behavior.scaleUp = fillRules(behavior.scaleUp, scaleUpRules());
    behavior.scaleDown = fillRules(behavior.scaleDown, scaleDownRules());
  }
  // Upstream clears status on create to its zero value, which v2 writes as this.
  if (!isObj(obj.status)) obj.status = { currentMetrics: null, desiredReplicas: 0 };
}

/** The sign of a quantity, or an error message if it does not parse. */
function positive(v: unknown, path: string): FieldError[] {
  const q = parseQuantity(v);
  if ('error' in q) return [invalid(path, v, q.error)];
  return q.value > 0 ? [] : [invalid(path, v, 'must be positive')];
}

function validateRef(ref: Obj | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['kind', 'name']) {
    const v = getStr(ref, f) ?? '';
    if (v === '') errs.push(required(`${path}.${f}`));
    else for (const msg of isValidPathSegmentName(v)) errs.push(invalid(`${path}.${f}`, v, msg));
  }
  return errs;
}

function validateTarget(t: Obj | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = getStr(t, 'type') ?? '';
  if (type === '') errs.push(required(`${path}.type`, 'must specify a metric target type'));
  if (type !== 'Utilization' && type !== 'Value' && type !== 'AverageValue') errs.push(invalid(`${path}.type`, type, 'must be either Utilization, Value, or AverageValue'));
  if (t?.value !== undefined) errs.push(...positive(t.value, `${path}.value`));
  if (t?.averageValue !== undefined) errs.push(...positive(t.averageValue, `${path}.averageValue`));
  const u = getNum(t, 'averageUtilization');
  if (u !== undefined && u < 1) errs.push(invalid(`${path}.averageUtilization`, u, 'must be greater than 0'));
  return errs;
}

function validateMetricName(m: Obj | undefined, path: string): FieldError[] {
  const name = getStr(m, 'name') ?? '';
  if (name === '') return [required(`${path}.name`, 'must specify a metric name')];
  return isValidPathSegmentName(name).map((msg) => invalid(`${path}.name`, name, msg));
}

/** One metric source's own checks (upstream's validateObjectSource, validatePodsSource, …). */
const sourceChecks: Readonly<Record<string, (src: Obj, path: string) => FieldError[]>> = {
  object: (src, path) => {
    const t = getObj(src, 'target');
    const errs = [...validateRef(getObj(src, 'describedObject'), `${path}.describedObject`), ...validateMetricName(getObj(src, 'metric'), `${path}.metric`), ...validateTarget(t, `${path}.target`)];
    if (t?.value === undefined && t?.averageValue === undefined) errs.push(required(`${path}.target.averageValue`, 'must set either a target value or averageValue'));
    return errs;
  },
  external: (src, path) => {
    const t = getObj(src, 'target');
    const errs = [...validateMetricName(getObj(src, 'metric'), `${path}.metric`), ...validateTarget(t, `${path}.target`)];
    if (t?.value === undefined && t?.averageValue === undefined) errs.push(required(`${path}.target.averageValue`, 'must set either a target value for metric or a per-pod target'));
    if (t?.value !== undefined && t.averageValue !== undefined) errs.push(forbidden(`${path}.target.value`, 'may not set both a target value for metric and a per-pod target'));
    return errs;
  },
  pods: (src, path) => {
    const t = getObj(src, 'target');
    const errs = [...validateMetricName(getObj(src, 'metric'), `${path}.metric`), ...validateTarget(t, `${path}.target`)];
    if (t?.averageValue === undefined) errs.push(required(`${path}.target.averageValue`, 'must specify a positive target averageValue'));
    return errs;
  },
  resource: (src, path) => {
    const errs: FieldError[] = [];
    if ((getStr(src, 'name') ?? '') === '') errs.push(required(`${path}.name`, 'must specify a resource name'));
    return [...errs, ...utilizationOrValue(getObj(src, 'target'), `${path}.target`)];
  },
  containerResource: (src, path) => {
    const errs: FieldError[] = [];
    const name = getStr(src, 'name') ?? '';
    if (name === '') errs.push(required(`${path}.name`, 'must specify a resource name'));
    const container = getStr(src, 'container') ?? '';
    if (container === '') errs.push(required(`${path}.container`, 'must specify a container'));
    else for (const msg of isDNS1123Label(container)) errs.push(invalid(`${path}.container`, container, msg));
    return [...errs, ...utilizationOrValue(getObj(src, 'target'), `${path}.target`)];
  },
};

function utilizationOrValue(t: Obj | undefined, path: string): FieldError[] {
  const errs = validateTarget(t, path);
  if (t?.averageUtilization === undefined && t?.averageValue === undefined) errs.push(required(`${path}.averageUtilization`, 'must set either a target raw value or a target utilization'));
  if (t?.averageUtilization !== undefined && t.averageValue !== undefined) errs.push(forbidden(`${path}.averageValue`, 'may not set both a target raw value and a target utilization'));
  return errs;
}

const metricTypes: Readonly<Record<string, string>> = { Object: 'object', Pods: 'pods', Resource: 'resource', External: 'external', ContainerResource: 'containerResource' };
const metricTypeList = Object.keys(metricTypes).sort();

/** Upstream's validateMetricSpec: a known type, its source present, no other source. */
function validateMetric(m: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = getStr(m, 'type') ?? '';
  if (type === '') errs.push(required(`${path}.type`, 'must specify a metric source type'));
  if (!(type in metricTypes)) errs.push(notSupported(`${path}.type`, type, metricTypeList));
  // Sources are checked in upstream's order; only the first present one is validated.
  const present = ['object', 'external', 'pods', 'resource', 'containerResource'].filter((k) => isObj(m[k]));
  const first = present[0];
  if (first) errs.push(...(sourceChecks[first]?.(m[first] as Obj, `${path}.${first}`) ?? []));
  const expected = metricTypes[type];
  if (expected && !isObj(m[expected])) errs.push(required(`${path}.${expected}`, 'must populate information for the given metric source'));
  if (!expected) errs.push(notSupported(`${path}.type`, type, metricTypeList));
  if (present.length !== 1) for (const k of present.filter((p) => p !== expected)) errs.push(forbidden(`${path}.${k}`, 'must populate the given metric source only'));
  return errs;
}

function validateRules(rules: unknown, path: string): FieldError[] {
  if (!isObj(rules)) return [];
  const errs: FieldError[] = [];
  const w = getNum(rules, 'stabilizationWindowSeconds');
  if (w !== undefined && w < 0) errs.push(invalid(`${path}.stabilizationWindowSeconds`, w, 'must be greater than or equal to zero'));
  if (w !== undefined && w > maxStabilizationWindowSeconds) errs.push(invalid(`${path}.stabilizationWindowSeconds`, w, `must be less than or equal to ${maxStabilizationWindowSeconds}`));
  const select = rules.selectPolicy;
  if (select !== undefined && select !== null && !(typeof select === 'string' && ['Disabled', 'Max', 'Min'].includes(select))) errs.push(notSupported(`${path}.selectPolicy`, select, ['Disabled', 'Max', 'Min']));
  const policies = getList(rules, 'policies');
  if (policies.length === 0) errs.push(required(`${path}.policies`, 'must specify at least one Policy'));
  policies.forEach((p, i) => {
    const at = `${path}.policies[${i}]`;
    const type = getStr(p, 'type') ?? '';
    if (type !== 'Pods' && type !== 'Percent') errs.push(notSupported(`${at}.type`, type, ['Percent', 'Pods']));
    const value = getNum(p, 'value') ?? 0;
    if (value <= 0) errs.push(invalid(`${at}.value`, value, 'must be greater than zero'));
    const period = getNum(p, 'periodSeconds') ?? 0;
    if (period <= 0) errs.push(invalid(`${at}.periodSeconds`, period, 'must be greater than zero'));
    if (period > maxPeriodSeconds) errs.push(invalid(`${at}.periodSeconds`, period, `must be less than or equal to ${maxPeriodSeconds}`));
  });
  return errs;
}

/**
 * Upstream's ValidateHorizontalPodAutoscaler(Update): the spec on create and
 * update (minReplicas 0 only if it was 0 before, HPAScaleToZero being off),
 * and that is all: a status update checks only its replica counts.
 */
export function validateHPA(obj: KubeObject, old?: KubeObject): FieldError[] {
  const spec = isObj(obj.spec) ? obj.spec : {};
  const errs: FieldError[] = [];
  const oldMin = isObj(old?.spec) ? getNum(old.spec, 'minReplicas') : undefined;
  const lowerBound = oldMin === 0 ? 0 : 1;
  const min = getNum(spec, 'minReplicas');
  const max = getNum(spec, 'maxReplicas') ?? 0;
  if (min !== undefined && min < lowerBound) errs.push(invalid('spec.minReplicas', min, `must be greater than or equal to ${lowerBound}`));
  if (max < 1) errs.push(invalid('spec.maxReplicas', max, 'must be greater than 0'));
  if (min !== undefined && max < min) errs.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  errs.push(...validateRef(getObj(spec, 'scaleTargetRef'), 'spec.scaleTargetRef'));
  const metrics = getList(spec, 'metrics');
  metrics.forEach((m, i) => errs.push(...validateMetric(m, `spec.metrics[${i}]`)));
  if (min === 0 && !metrics.some((m) => m.type === 'Object' || m.type === 'External'))
    errs.push(forbidden('spec.metrics', 'must specify at least one Object or External metric to support scaling to zero replicas'));
  const behavior = getObj(spec, 'behavior');
  errs.push(...validateRules(behavior?.scaleUp, 'spec.behavior.scaleUp'), ...validateRules(behavior?.scaleDown, 'spec.behavior.scaleDown'));
  const status = getObj(obj, 'status');
  for (const f of ['currentReplicas', 'desiredReplicas']) {
    const v = getNum(status, f);
    if (v !== undefined && v < 0) errs.push(invalid(`status.${f}`, v, 'must be greater than or equal to 0'));
  }
  return errs;
}

/** The `horizontalpodautoscalers` resource in autoscaling/v2, the version stored (under upstream's key). */
export const horizontalPodAutoscalersV2: ResourceDef = {
  group: 'autoscaling',
  version: 'v2',
  resource: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  kind: 'HorizontalPodAutoscaler',
  listKind: 'HorizontalPodAutoscalerList',
  namespaced: true,
  shortNames: ['hpa'],
  categories: ['all'],
  hasStatus: true,
  fieldSelectors: {},
  storagePrefix: '/registry/horizontalpodautoscalers/',
  defaults: defaultHPA,
  validate: validateHPA,
};
