/** networking.k8s.io/v1 Ingress. */
import { isIP } from 'node:net';
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { invalid, notSupported, required } from '../field-errors.js';
import { isDNS1123Subdomain, isValidPortName, isValidPortNum, nameIsDNS1035Label, nameIsDNSSubdomain } from '../validation.js';
import { ensureObj, getList, getNum, getObj, getStr, isObj, setDefault, type Obj } from '../core/util.js';
import { isValidPathSegmentName, isWildcardDNS1123Subdomain } from './names.js';

/** The annotation that named an Ingress's class before `spec.ingressClassName`. */
export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

const pathTypes = ['Exact', 'ImplementationSpecific', 'Prefix'];
const badSequences = ['//', '/./', '/../', '%2f', '%2F'];
const badSuffixes = ['/..', '/.'];

/** A TypedLocalObjectReference (`apiGroup`, `kind`, `name`), as upstream's validateIngressTypedLocalObjectReference. */
export function validateTypedRef(ref: Obj, at: string): FieldError[] {
  const errs: FieldError[] = [];
  const group = getStr(ref, 'apiGroup');
  if (group !== undefined) for (const msg of isDNS1123Subdomain(group)) errs.push(invalid(`${at}.apiGroup`, group, msg));
  for (const key of ['kind', 'name']) {
    const v = getStr(ref, key) ?? '';
    if (v === '') errs.push(required(`${at}.${key}`));
    else for (const msg of isValidPathSegmentName(v)) errs.push(invalid(`${at}.${key}`, v, msg));
  }
  return errs;
}

/** An IngressBackend: a service (name and port name xor number) or a resource, not both. */
function validateBackend(b: Obj, at: string): FieldError[] {
  const service = getObj(b, 'service');
  const resource = getObj(b, 'resource');
  if (service && resource) return [invalid(at, '', 'cannot set both resource and service backends')];
  if (resource) return validateTypedRef(resource, `${at}.resource`);
  if (!service) return [invalid(at, '', 'resource or service backend is required')];
  const errs: FieldError[] = [];
  const name = getStr(service, 'name') ?? '';
  if (name === '') errs.push(required(`${at}.service.name`));
  else for (const msg of nameIsDNS1035Label(name)) errs.push(invalid(`${at}.service.name`, name, msg));
  const port = getObj(service, 'port') ?? {};
  const portName = getStr(port, 'name') ?? '';
  const portNum = getNum(port, 'number') ?? 0;
  if (portName !== '' && portNum !== 0) errs.push(invalid(at, '', 'cannot set both port name & port number'));
  else if (portName !== '')
    for (const msg of isValidPortName(portName)) errs.push(invalid(`${at}.service.port.name`, portName, msg));
  else if (portNum !== 0)
    for (const msg of isValidPortNum(portNum)) errs.push(invalid(`${at}.service.port.number`, portNum, msg));
  else errs.push(required(at, 'port name or number is required'));
  return errs;
}

/** One HTTPIngressPath: pathType required and supported, path absolute and clean, backend. */
function validatePath(p: Obj, at: string): FieldError[] {
  const type = getStr(p, 'pathType');
  if (type === undefined) return [required(`${at}.pathType`, 'pathType must be specified')];
  const path = getStr(p, 'path') ?? '';
  const errs: FieldError[] = [];
  if (type === 'Exact' || type === 'Prefix') {
    if (!path.startsWith('/')) errs.push(invalid(`${at}.path`, path, 'must be an absolute path'));
    for (const seq of badSequences) if (path.includes(seq)) errs.push(invalid(`${at}.path`, path, `must not contain '${seq}'`));
    for (const suf of badSuffixes) if (path.endsWith(suf)) errs.push(invalid(`${at}.path`, path, `cannot end with '${suf}'`));
  } else if (type === 'ImplementationSpecific') {
    if (path !== '' && !path.startsWith('/')) errs.push(invalid(`${at}.path`, path, 'must be an absolute path'));
  } else {
    errs.push(notSupported(`${at}.pathType`, type, pathTypes));
  }
  errs.push(...validateBackend(getObj(p, 'backend') ?? {}, `${at}.backend`));
  return errs;
}

/** A host of a rule or of a TLS entry: a DNS subdomain, or `*.` and one. */
function hostErrors(host: string): string[] {
  return host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
}

function validateRules(rules: Obj[]): FieldError[] {
  const errs: FieldError[] = [];
  rules.forEach((rule, i) => {
    const at = `spec.rules[${i}]`;
    const host = getStr(rule, 'host') ?? '';
    if (host !== '') {
      if (isIP(host) !== 0) errs.push(invalid(`${at}.host`, host, 'must be a DNS name, not an IP address'));
      for (const msg of hostErrors(host)) errs.push(invalid(`${at}.host`, host, msg));
    }
    const http = getObj(rule, 'http');
    if (!http) return;
    const paths = getList(http, 'paths');
    if (paths.length === 0) errs.push(required(`${at}.http.paths`));
    paths.forEach((p, j) => errs.push(...validatePath(p, `${at}.http.paths[${j}]`)));
  });
  return errs;
}

function validateTLS(tls: Obj[]): FieldError[] {
  const errs: FieldError[] = [];
  tls.forEach((t, i) => {
    const hosts = Array.isArray(t.hosts) ? t.hosts : [];
    hosts.forEach((h, j) => {
      const host = typeof h === 'string' ? h : '';
      for (const msg of hostErrors(host)) errs.push(invalid(`spec.tls[${i}].hosts[${j}]`, host, msg));
    });
    const secret = getStr(t, 'secretName') ?? '';
    if (secret !== '') for (const msg of nameIsDNSSubdomain(secret)) errs.push(invalid(`spec.tls[${i}].secretName`, secret, msg));
  });
  return errs;
}

/** Ingress validation (ValidateIngressCreate/Update): backends, rules, paths, TLS, class. */
function validate(obj: KubeObject, old?: KubeObject): FieldError[] {
  const spec = getObj(obj, 'spec') ?? {};
  const rules = getList(spec, 'rules');
  const defaultBackend = getObj(spec, 'defaultBackend');
  const errs: FieldError[] = [];
  if (rules.length === 0 && !defaultBackend)
    errs.push(invalid('spec', spec.rules ?? null, 'either `defaultBackend` or `rules` must be specified'));
  if (defaultBackend) errs.push(...validateBackend(defaultBackend, 'spec.defaultBackend'));
  errs.push(...validateRules(rules), ...validateTLS(getList(spec, 'tls')));
  const className = getStr(spec, 'ingressClassName');
  if (className !== undefined)
    for (const msg of nameIsDNSSubdomain(className)) errs.push(invalid('spec.ingressClassName', className, msg));
  const annotation = obj.metadata.annotations?.[INGRESS_CLASS_ANNOTATION];
  if (!old && annotation !== undefined && className !== undefined && annotation !== className)
    errs.push(invalid(`annotations.${INGRESS_CLASS_ANNOTATION}`, annotation, 'must match `ingressClassName` when both are specified'));
  return errs;
}

/** Ingress defaults: an empty load-balancer status, as upstream serializes a new Ingress. */
function defaults(obj: KubeObject): void {
  const status = ensureObj(obj, 'status');
  if (!isObj(status.loadBalancer)) setDefault(status, 'loadBalancer', {});
}

/** The `ingresses` resource. */
export const ingresses: ResourceDef = {
  group: 'networking.k8s.io',
  version: 'v1',
  resource: 'ingresses',
  singular: 'ingress',
  kind: 'Ingress',
  listKind: 'IngressList',
  namespaced: true,
  shortNames: ['ing'],
  categories: [],
  hasStatus: true,
  tracksGeneration: true,
  fieldSelectors: {},
  defaults,
  validate,
};
