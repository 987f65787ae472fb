/** coordination.k8s.io/v1 Lease. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { invalid } from '../field-errors.js';
import { getObj } from '../core/util.js';

/** Lease validation: a positive duration and non-negative transitions, as upstream. */
function validate(obj: KubeObject): FieldError[] {
  const spec = getObj(obj, 'spec') ?? {};
  const errs: FieldError[] = [];
  const duration = spec.leaseDurationSeconds;
  if (typeof duration === 'number' && duration <= 0) errs.push(invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  const transitions = spec.leaseTransitions;
  if (typeof transitions === 'number' && transitions < 0)
    errs.push(invalid('spec.leaseTransitions', transitions, 'must be greater than or equal to 0'));
  return errs;
}

/** The `leases` resource. */
export const leases: ResourceDef = {
  group: 'coordination.k8s.io',
  version: 'v1',
  resource: 'leases',
  singular: 'lease',
  kind: 'Lease',
  listKind: 'LeaseList',
  namespaced: true,
  shortNames: [],
  categories: [],
  hasStatus: false,
  fieldSelectors: {},
  validate,
};
