/** networking.k8s.io/v1 IngressClass. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { forbidden, invalid, notSupported, required, tooLong } from '../field-errors.js';
import { isDNS1123Subdomain, nameIsDNSLabel } from '../validation.js';
import { getObj, getStr, type Obj } from '../core/util.js';
import { isValidPathSegmentName, validateDomainPrefixedPath } from './names.js';

/** The longest `spec.controller` upstream accepts. */
export const MAX_CONTROLLER_LENGTH = 250;

const scopes = ['Cluster', 'Namespace'];

/** IngressClass defaults: `parameters.scope` is Cluster when parameters are given without one. */
function defaults(obj: KubeObject): void {
  const params = getObj(getObj(obj, 'spec'), 'parameters');
  if (params && (params.scope === undefined || params.scope === null)) params.scope = 'Cluster';
}

/** IngressClassParametersReference: apiGroup, kind, name, scope and the namespace it implies. */
function validateParameters(p: Obj, at: string): FieldError[] {
  const errs: FieldError[] = [];
  const group = getStr(p, 'apiGroup');
  if (group !== undefined) for (const msg of isDNS1123Subdomain(group)) errs.push(invalid(`${at}.apiGroup`, group, msg));
  for (const key of ['kind', 'name']) {
    const v = getStr(p, key) ?? '';
    if (v === '') errs.push(required(`${at}.${key}`));
    else for (const msg of isValidPathSegmentName(v)) errs.push(invalid(`${at}.${key}`, v, msg));
  }
  const scope = getStr(p, 'scope');
  if (scope === undefined) return [...errs, required(`${at}.scope`)];
  const ns = getStr(p, 'namespace');
  if (!scopes.includes(scope)) errs.push(notSupported(`${at}.scope`, scope, scopes));
  else if (scope === 'Namespace' && ns === undefined) errs.push(required(`${at}.namespace`, "`parameters.scope` is set to 'Namespace'"));
  else if (scope === 'Namespace' && ns !== undefined) for (const msg of nameIsDNSLabel(ns)) errs.push(invalid(`${at}.namespace`, ns, msg));
  else if (scope === 'Cluster' && ns !== undefined) errs.push(forbidden(`${at}.namespace`, "`parameters.scope` is set to 'Cluster'"));
  return errs;
}

/** IngressClass validation: controller (a domain-prefixed path, immutable), parameters. */
function validate(obj: KubeObject, old?: KubeObject): FieldError[] {
  const spec = getObj(obj, 'spec') ?? {};
  const controller = getStr(spec, 'controller') ?? '';
  const errs: FieldError[] = [];
  if (old) {
    const before = getStr(getObj(old, 'spec'), 'controller') ?? '';
    if (controller !== before) errs.push(invalid('spec.controller', controller, 'field is immutable'));
  }
  if (controller === '') errs.push(required('spec.controller'));
  else {
    if (controller.length > MAX_CONTROLLER_LENGTH) errs.push(tooLong('spec.controller', MAX_CONTROLLER_LENGTH));
    errs.push(...validateDomainPrefixedPath('spec.controller', controller));
  }
  const params = getObj(spec, 'parameters');
  if (params) errs.push(...validateParameters(params, 'spec.parameters'));
  return errs;
}

/** The `ingressclasses` resource (cluster-scoped). */
export const ingressClasses: ResourceDef = {
  group: 'networking.k8s.io',
  version: 'v1',
  resource: 'ingressclasses',
  singular: 'ingressclass',
  kind: 'IngressClass',
  listKind: 'IngressClassList',
  namespaced: false,
  shortNames: [],
  categories: [],
  hasStatus: false,
  tracksGeneration: true,
  fieldSelectors: {},
  defaults,
  validate,
};
