/** discovery.k8s.io/v1 EndpointSlice. */
import { isIP } from 'node:net';
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { duplicate, invalid, notSupported, required } from '../field-errors.js';
import { validateLabels } from '../objectmeta.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from '../validation.js';
import { endpointIPErrors } from '../core/ip.js';
import { getList, getObj, getStr, getStrMap, setDefault, type Obj } from '../core/util.js';

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;
const MAX_ZONE_HINTS = 8;

/** field.TooMany: `Too many: N: must have at most M items`. */
function tooMany(path: string, actual: number, max: number): FieldError {
  return { type: 'FieldValueTooMany', field: path, message: `Too many: ${actual}: must have at most ${max} items` };
}

/** EndpointSlice defaults: each port's name "" and protocol TCP. */
function defaults(obj: KubeObject): void {
  for (const p of getList(obj, 'ports')) {
    setDefault(p, 'name', '');
    setDefault(p, 'protocol', 'TCP');
  }
}

/** Upstream's IsFullyQualifiedDomainName. */
function fqdnErrors(path: string, value: string): FieldError[] {
  if (value === '') return [required(path)];
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const sub = isDNS1123Subdomain(name);
  if (sub.length > 0) return [invalid(path, name, sub.join(','))];
  const labels = name.split('.');
  if (labels.length < 2) return [invalid(path, name, 'should be a domain with at least two segments separated by dots')];
  for (const label of labels) {
    const errs = isDNS1123Label(label);
    if (errs.length > 0) return [invalid(path, label, errs.join(','))];
  }
  return [];
}

/** The checks of one address for the slice's address type (unknown types are not checked, as upstream). */
function addressErrors(type: string, path: string, address: string): FieldError[] {
  if (type === 'FQDN') return fqdnErrors(path, address);
  if (type !== 'IPv4' && type !== 'IPv6') return [];
  const errs: FieldError[] = [];
  if (isIP(address) !== (type === 'IPv4' ? 4 : 6)) errs.push(invalid(path, address, `must be a valid ${type} address`));
  for (const msg of endpointIPErrors(address))
    errs.push(invalid(path, address, msg.startsWith('may not be unspecified') ? `may not be unspecified (${address})` : msg));
  return errs;
}

function validateEndpoint(e: Obj, at: string, type: string): FieldError[] {
  const errs: FieldError[] = [];
  const addresses: unknown[] = Array.isArray(e.addresses) ? e.addresses : [];
  if (addresses.length === 0) errs.push(required(`${at}.addresses`, 'must contain at least 1 address'));
  else if (addresses.length > MAX_ADDRESSES) errs.push(tooMany(`${at}.addresses`, addresses.length, MAX_ADDRESSES));
  addresses.forEach((a, i) => errs.push(...addressErrors(type, `${at}.addresses[${i}]`, typeof a === 'string' ? a : '')));
  const node = getStr(e, 'nodeName');
  if (node !== undefined) for (const msg of isDNS1123Subdomain(node)) errs.push(invalid(`${at}.nodeName`, node, msg));
  const topology = getStrMap(e, 'deprecatedTopology') ?? {};
  if (Object.keys(topology).length > 16) errs.push(tooMany(`${at}.deprecatedTopology`, Object.keys(topology).length, 16));
  errs.push(...validateLabels(topology, `${at}.deprecatedTopology`));
  const host = getStr(e, 'hostname');
  if (host !== undefined) for (const msg of isDNS1123Label(host)) errs.push(invalid(`${at}.hostname`, host, msg));
  const zones = getList(getObj(e, 'hints'), 'forZones');
  if (zones.length > MAX_ZONE_HINTS) errs.push(tooMany(`${at}.hints.forZones`, zones.length, MAX_ZONE_HINTS));
  else {
    const seen = new Set<string>();
    zones.forEach((z, i) => {
      const name = getStr(z, 'name') ?? '';
      if (seen.has(name)) errs.push(duplicate(`${at}.hints.forZones[${i}].name`, name));
      seen.add(name);
      for (const msg of isValidLabelValue(name)) errs.push(invalid(`${at}.hints.forZones[${i}].name`, name, msg));
    });
  }
  return errs;
}

function validatePort(p: Obj, at: string, names: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const name = getStr(p, 'name') ?? '';
  if (name !== '') for (const msg of isDNS1123Label(name)) errs.push(invalid(`${at}.name`, name, msg));
  if (names.has(name)) errs.push(duplicate(`${at}.name`, name));
  names.add(name);
  const proto = getStr(p, 'protocol');
  if (proto === undefined) errs.push(required(`${at}.protocol`));
  else if (!PROTOCOLS.includes(proto)) errs.push(notSupported(`${at}.protocol`, proto, PROTOCOLS));
  const app = getStr(p, 'appProtocol');
  if (app !== undefined) for (const msg of isQualifiedName(app)) errs.push(invalid(`${at}.appProtocol`, app, msg));
  return errs;
}

/** EndpointSlice validation: the address type, each endpoint's addresses for it, the ports; addressType immutable. */
function validate(obj: KubeObject, old?: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const type = getStr(obj, 'addressType') ?? '';
  if (type === '') errs.push(required('addressType'));
  else if (!ADDRESS_TYPES.includes(type)) errs.push(notSupported('addressType', type, ADDRESS_TYPES));
  const endpoints = getList(obj, 'endpoints');
  if (endpoints.length > MAX_ENDPOINTS) errs.push(tooMany('endpoints', endpoints.length, MAX_ENDPOINTS));
  else endpoints.forEach((e, i) => errs.push(...validateEndpoint(e, `endpoints[${i}]`, type)));
  const ports = getList(obj, 'ports');
  const names = new Set<string>();
  if (ports.length > MAX_PORTS) errs.push(tooMany('ports', ports.length, MAX_PORTS));
  else ports.forEach((p, i) => errs.push(...validatePort(p, `ports[${i}]`, names)));
  if (old && old.addressType !== obj.addressType) errs.push(invalid('addressType', obj.addressType ?? null, 'field is immutable'));
  return errs;
}

/** The `endpointslices` resource. */
export const endpointSlices: ResourceDef = {
  group: 'discovery.k8s.io',
  version: 'v1',
  resource: 'endpointslices',
  singular: 'endpointslice',
  kind: 'EndpointSlice',
  listKind: 'EndpointSliceList',
  namespaced: true,
  shortNames: [],
  categories: [],
  hasStatus: false,
  fieldSelectors: {},
  defaults,
  validate,
};
