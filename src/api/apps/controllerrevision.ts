/** apps/v1 ControllerRevision: an immutable snapshot of a workload's template, kept by the DaemonSet and StatefulSet controllers. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { invalid, required } from '../field-errors.js';
import { jsonEqual } from '../core/util.js';

/** Upstream's ValidateControllerRevision and, on update, its rule that `data` is immutable. */
function validate(obj: KubeObject, old?: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = obj.data;
  if (data === undefined || data === null) errs.push(required('data', 'data is mandatory'));
  const revision = obj.revision;
  if (typeof revision === 'number' && revision < 0) errs.push(invalid('revision', revision, 'must be greater than or equal to 0'));
  if (old && !jsonEqual(data ?? null, old.data ?? null)) errs.push(invalid('data', data ?? null, 'field is immutable'));
  return errs;
}

/** The `controllerrevisions` resource. */
export const controllerRevisions: ResourceDef = {
  group: 'apps',
  version: 'v1',
  resource: 'controllerrevisions',
  singular: 'controllerrevision',
  kind: 'ControllerRevision',
  listKind: 'ControllerRevisionList',
  namespaced: true,
  shortNames: [],
  categories: [],
  hasStatus: false,
  fieldSelectors: {},
  validate,
};
