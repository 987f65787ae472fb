/** networking.k8s.io/v1 NetworkPolicy. */
import { BlockList, isIP } from 'node:net';
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { forbidden, invalid, notSupported, required } from '../field-errors.js';
import { isValidPortName, isValidPortNum } from '../validation.js';
import { isCIDR } from '../core/ip.js';
import { ensureObj, getList, getNum, getObj, getStr, setDefault, type Obj } from '../core/util.js';
import { validateLabelSelector } from '../labelselector.js';

const protocols = ['TCP', 'UDP', 'SCTP'];
const policyTypes = ['Ingress', 'Egress'];
const cidrMessage = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

/** The rules of one direction with their peer list's key: ingress `from`, egress `to`. */
const directions = [
  ['ingress', 'from'],
  ['egress', 'to'],
] as const;

/** NetworkPolicy defaults: port protocol TCP; policyTypes Ingress, plus Egress when egress rules exist. */
function defaults(obj: KubeObject): void {
  const spec = ensureObj(obj, 'spec');
  for (const [dir] of directions) for (const rule of getList(spec, dir)) for (const p of getList(rule, 'ports')) setDefault(p, 'protocol', 'TCP');
  const types = spec.policyTypes;
  if (!Array.isArray(types) || types.length === 0)
    spec.policyTypes = Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

function validatePort(p: Obj, at: string): FieldError[] {
  const errs: FieldError[] = [];
  const proto = getStr(p, 'protocol');
  if (proto !== undefined && !protocols.includes(proto)) errs.push(notSupported(`${at}.protocol`, proto, protocols));
  const port = p.port;
  const end = getNum(p, 'endPort');
  if (typeof port === 'number') {
    for (const msg of isValidPortNum(port)) errs.push(invalid(`${at}.port`, port, msg));
    if (end !== undefined) {
      if (end < port) errs.push(invalid(`${at}.endPort`, end, 'must be greater than or equal to `port`'));
      for (const msg of isValidPortNum(end)) errs.push(invalid(`${at}.endPort`, end, msg));
    }
  } else if (typeof port === 'string') {
    if (end !== undefined) errs.push(invalid(`${at}.endPort`, end, 'may not be specified when `port` is non-numeric'));
    for (const msg of isValidPortName(port)) errs.push(invalid(`${at}.port`, port, msg));
  } else if (end !== undefined) {
    errs.push(invalid(`${at}.endPort`, end, 'may not be specified when `port` is not specified'));
  }
  return errs;
}

/** An ipBlock: a CIDR, and excepts that are strict subsets of it. */
export function validateIPBlock(b: Obj, at: string): FieldError[] {
  const cidr = getStr(b, 'cidr') ?? '';
  if (cidr === '') return [required(`${at}.cidr`)];
  if (!isCIDR(cidr)) return [invalid(`${at}.cidr`, cidr, cidrMessage)];
  const [net = '', bits = '0'] = cidr.split('/');
  const family = isIP(net) === 4 ? 'ipv4' : 'ipv6';
  const block = new BlockList();
  block.addSubnet(net, Number(bits), family);
  const errs: FieldError[] = [];
  const excepts = Array.isArray(b.except) ? b.except : [];
  excepts.forEach((e, i) => {
    const except = typeof e === 'string' ? e : '';
    if (!isCIDR(except)) {
      errs.push(invalid(`${at}.except[${i}]`, except, cidrMessage));
      return;
    }
    const [ip = '', len = '0'] = except.split('/');
    const sameFamily = (isIP(ip) === 4) === (family === 'ipv4');
    if (!sameFamily || !block.check(ip, family) || Number(bits) >= Number(len))
      errs.push(invalid(`${at}.except[${i}]`, except, 'must be a strict subset of `cidr`'));
  });
  return errs;
}

function validatePeer(peer: Obj, at: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const key of ['podSelector', 'namespaceSelector']) {
    const sel = getObj(peer, key);
    if (!sel) continue;
    n++;
    errs.push(...validateLabelSelector(sel, `${at}.${key}`));
  }
  const ipBlock = getObj(peer, 'ipBlock');
  if (ipBlock) errs.push(...validateIPBlock(ipBlock, `${at}.ipBlock`));
  if (n === 0 && !ipBlock) errs.push(required(at, 'must specify a peer'));
  else if (n > 0 && ipBlock) errs.push(forbidden(at, 'may not specify both ipBlock and another peer'));
  return errs;
}

/** NetworkPolicy validation (ValidateNetworkPolicySpec): selector, ports, peers, policyTypes. */
function validate(obj: KubeObject): FieldError[] {
  const spec = getObj(obj, 'spec') ?? {};
  const errs = validateLabelSelector(getObj(spec, 'podSelector') ?? {}, 'spec.podSelector');
  for (const [dir, peers] of directions)
    getList(spec, dir).forEach((rule, i) => {
      const at = `spec.${dir}[${i}]`;
      getList(rule, 'ports').forEach((p, j) => errs.push(...validatePort(p, `${at}.ports[${j}]`)));
      getList(rule, peers).forEach((p, j) => errs.push(...validatePeer(p, `${at}.${peers}[${j}]`)));
    });
  const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
  if (types.length > policyTypes.length) return [...errs, invalid('spec.policyTypes', types, 'may not specify more than two policyTypes')];
  types.forEach((t, i) => {
    if (typeof t !== 'string' || !policyTypes.includes(t)) errs.push(notSupported(`spec.policyTypes[${i}]`, t, policyTypes));
  });
  return errs;
}

/** The `networkpolicies` resource (no status since upstream 1.33 removed it). */
export const networkPolicies: ResourceDef = {
  group: 'networking.k8s.io',
  version: 'v1',
  resource: 'networkpolicies',
  singular: 'networkpolicy',
  kind: 'NetworkPolicy',
  listKind: 'NetworkPolicyList',
  namespaced: true,
  shortNames: ['netpol'],
  categories: [],
  hasStatus: false,
  tracksGeneration: true,
  fieldSelectors: {},
  defaults,
  validate,
};
