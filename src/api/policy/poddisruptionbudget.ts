/** policy/v1 PodDisruptionBudget. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { goQuote, invalid, notSupported } from '../field-errors.js';
import { regexError } from '../validation.js';
import { getObj } from '../core/util.js';
import { validateLabelSelector } from '../batch/selector.js';

const EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];
const percentFmt = '[0-9]+%';

/** An IntOrString as Go's %#v prints it, which is how upstream's messages show one. */
export function goIntOrString(v: number | string): string {
  return typeof v === 'number' ? `intstr.IntOrString{Type:0, IntVal:${v}, StrVal:""}` : `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`;
}

const invalidIntOrString = (path: string, v: number | string, detail: string): FieldError => ({
  type: 'FieldValueInvalid',
  field: path,
  message: `Invalid value: ${goIntOrString(v)}: ${detail}`,
});

/** Upstream's ValidatePositiveIntOrPercent and IsNotMoreThan100Percent for minAvailable/maxUnavailable. */
function validateIntOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === 'number') return v < 0 ? [invalid(path, v, 'must be greater than or equal to 0')] : [];
  if (typeof v !== 'string') return [];
  if (!/^[0-9]+%$/.test(v))
    return [invalidIntOrString(path, v, regexError("a valid percent string must be a numeric string followed by an ending '%'", percentFmt, '1%', '93%'))];
  return Number(v.slice(0, -1)) > 100 ? [invalidIntOrString(path, v, 'must not be greater than 100%')] : [];
}

/** PDB validation: minAvailable and maxUnavailable exclusive and well-formed, a valid selector, a known eviction policy. */
function validate(obj: KubeObject): FieldError[] {
  const spec = getObj(obj, 'spec') ?? {};
  const errs: FieldError[] = [];
  if (spec.minAvailable != null && spec.maxUnavailable != null)
    errs.push(invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  errs.push(...validateIntOrPercent(spec.minAvailable, 'spec.minAvailable'));
  errs.push(...validateIntOrPercent(spec.maxUnavailable, 'spec.maxUnavailable'));
  errs.push(...validateLabelSelector(getObj(spec, 'selector'), 'spec.selector'));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (typeof policy === 'string' && !EVICTION_POLICIES.includes(policy))
    errs.push(notSupported('spec.unhealthyPodEvictionPolicy', policy, EVICTION_POLICIES));
  return errs;
}

/** The `poddisruptionbudgets` resource. */
export const podDisruptionBudgets: ResourceDef = {
  group: 'policy',
  version: 'v1',
  resource: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  kind: 'PodDisruptionBudget',
  listKind: 'PodDisruptionBudgetList',
  namespaced: true,
  shortNames: ['pdb'],
  categories: [],
  hasStatus: true,
  tracksGeneration: true,
  fieldSelectors: {},
  validate,
};
