/** core/v1 Pod. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { defaultPod } from './pod-defaults.js';
import { validatePodSpec } from './pod-validation.js';
import { validatePodUpdate } from './pod-update.js';
import { getList, getObj, getStr, isObj } from './util.js';

const spec = (obj: KubeObject): Record<string, unknown> => getObj(obj, 'spec') ?? {};
const status = (obj: KubeObject): Record<string, unknown> => getObj(obj, 'status') ?? {};

/** Pod validation on create (the spec) and update (spec immutability as upstream). */
function validate(obj: KubeObject, old?: KubeObject): FieldError[] {
  const errs = validatePodSpec(isObj(obj.spec) ? obj.spec : undefined, 'spec');
  if (old) errs.push(...validatePodUpdate(obj, old));
  return errs;
}

/** The `pods` resource. */
export const pods: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'pods',
  singular: 'pod',
  kind: 'Pod',
  listKind: 'PodList',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  hasStatus: true,
  fieldSelectors: {
    'spec.nodeName': (o) => getStr(spec(o), 'nodeName') ?? '',
    'spec.restartPolicy': (o) => getStr(spec(o), 'restartPolicy') ?? '',
    'spec.schedulerName': (o) => getStr(spec(o), 'schedulerName') ?? '',
    'spec.serviceAccountName': (o) => getStr(spec(o), 'serviceAccountName') ?? '',
    'spec.hostNetwork': (o) => String(spec(o).hostNetwork === true),
    'status.phase': (o) => getStr(status(o), 'phase') ?? '',
    'status.podIP': (o) => getStr(getList(status(o), 'podIPs')[0], 'ip') ?? getStr(status(o), 'podIP') ?? '',
    'status.nominatedNodeName': (o) => getStr(status(o), 'nominatedNodeName') ?? '',
  },
  defaults: defaultPod,
  validate,
  gracefulDelete: true,
};
