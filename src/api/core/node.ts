/** core/v1 Node. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { duplicate, invalid, notSupported, required } from '../field-errors.js';
import { isQualifiedName, isValidLabelValue } from '../validation.js';
import { isCIDR } from './ip.js';
import { TAINT_EFFECTS } from './pod-validation.js';
import { getList, getObj, getStr, isObj } from './util.js';

/** Node defaults: `status.allocatable` from `status.capacity` when absent. */
function defaults(obj: KubeObject): void {
  const status = getObj(obj, 'status');
  const capacity = getObj(status, 'capacity');
  if (status && capacity && !isObj(status.allocatable)) status.allocatable = { ...capacity };
}

/** Node validation: taints (key, value, effect, unique per key and effect) and pod CIDRs. */
function validate(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = getObj(obj, 'spec');
  const seen = new Set<string>();
  getList(spec, 'taints').forEach((t, i) => {
    const at = `spec.taints[${i}]`;
    const key = getStr(t, 'key') ?? '';
    for (const msg of isQualifiedName(key)) errs.push(invalid(`${at}.key`, key, msg));
    const value = getStr(t, 'value') ?? '';
    const vmsgs = isValidLabelValue(value);
    if (vmsgs.length > 0) errs.push(invalid(`${at}.value`, value, vmsgs.join(';')));
    const effect = getStr(t, 'effect') ?? '';
    if (effect === '') errs.push(required(`${at}.effect`));
    else if (!TAINT_EFFECTS.includes(effect)) errs.push(notSupported(`${at}.effect`, effect, TAINT_EFFECTS));
    const id = `${effect}\u0000${key}`;
    if (seen.has(id)) errs.push(duplicate(at, t, 'taints must be unique by key and effect pair'));
    seen.add(id);
  });
  const cidrs = spec?.podCIDRs;
  (Array.isArray(cidrs) ? cidrs : []).forEach((c, i) => {
    const s = typeof c === 'string' ? c : '';
    if (!isCIDR(s)) errs.push(invalid(`spec.podCIDRs[${i}]`, s, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
  });
  return errs;
}

/** The `nodes` resource. */
export const nodes: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'nodes',
  singular: 'node',
  kind: 'Node',
  listKind: 'NodeList',
  namespaced: false,
  shortNames: ['no'],
  categories: [],
  hasStatus: true,
  fieldSelectors: { 'spec.unschedulable': (o) => String(getObj(o, 'spec')?.unschedulable === true) },
  defaults,
  validate,
};
