/** core/v1 Service. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { duplicate, forbidden, invalid, notSupported, required } from '../field-errors.js';
import { validateLabels } from '../objectmeta.js';
import { isValidPortName, isValidPortNum, nameIsDNS1035Label } from '../validation.js';
import { isIPAddress } from './ip.js';
import { validateNamedPort } from './ports.js';
import { ensureObj, getList, getNum, getObj, getStr, getStrMap, setDefault, type Obj } from './util.js';

const types = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const affinities = ['ClientIP', 'None'];
const trafficPolicies = ['Cluster', 'Local'];

/** Service defaults (SetDefaults_Service); clusterIP allocation is left to the API server. */
function defaults(obj: KubeObject): void {
  const spec = ensureObj(obj, 'spec');
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = ensureObj(ensureObj(spec, 'sessionAffinityConfig'), 'clientIP');
    setDefault(cfg, 'timeoutSeconds', 10800);
  }
  for (const p of getList(spec, 'ports')) {
    setDefault(p, 'protocol', 'TCP');
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  const type = spec.type;
  if (type !== 'ExternalName') {
    setDefault(spec, 'internalTrafficPolicy', 'Cluster');
    setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
    setDefault(spec, 'ipFamilies', ['IPv4']);
  }
  if (type === 'NodePort' || type === 'LoadBalancer') setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  if (type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
  setDefault(ensureObj(obj, 'status'), 'loadBalancer', {});
}

function validatePort(p: Obj, at: string, requireName: boolean, type: string, names: Set<string>): FieldError[] {
  const errs = validateNamedPort(p, at, requireName, names);
  const tp = p.targetPort;
  if (typeof tp === 'number') for (const msg of isValidPortNum(tp)) errs.push(invalid(`${at}.targetPort`, tp, msg));
  if (typeof tp === 'string') for (const msg of isValidPortName(tp)) errs.push(invalid(`${at}.targetPort`, tp, msg));
  const np = getNum(p, 'nodePort') ?? 0;
  if (np !== 0 && (type === 'ClusterIP' || type === 'ExternalName'))
    errs.push(forbidden(`${at}.nodePort`, `may not be used when \`type\` is '${type}'`));
  else if (np !== 0) for (const msg of isValidPortNum(np)) errs.push(invalid(`${at}.nodePort`, np, msg));
  return errs;
}

/** Service validation: type, ports, selector, affinity, clusterIP, externalName; clusterIP on update. */
function validate(obj: KubeObject, old?: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = getObj(obj, 'spec') ?? {};
  const type = getStr(spec, 'type') ?? '';
  const clusterIP = getStr(spec, 'clusterIP') ?? '';
  const headless = clusterIP === 'None';
  if (type === '') errs.push(required('spec.type'));
  else if (!types.includes(type)) errs.push(notSupported('spec.type', type, types));
  const ports = getList(spec, 'ports');
  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(required('spec.ports'));
  const names = new Set<string>();
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    errs.push(...validatePort(p, `spec.ports[${i}]`, ports.length > 1, type, names));
    const key = `${getStr(p, 'protocol') ?? ''}/${getNum(p, 'port') ?? 0}`;
    if (seen.has(key)) errs.push(duplicate(`spec.ports[${i}]`, { port: p.port, protocol: p.protocol }));
    seen.add(key);
  });
  errs.push(...validateLabels(getStrMap(spec, 'selector'), 'spec.selector'));
  const aff = getStr(spec, 'sessionAffinity') ?? '';
  if (aff === '') errs.push(required('spec.sessionAffinity'));
  else if (!affinities.includes(aff)) errs.push(notSupported('spec.sessionAffinity', aff, affinities));
  if (clusterIP !== '' && !headless && !isIPAddress(clusterIP))
    errs.push(invalid('spec.clusterIPs[0]', clusterIP, 'must be a valid IP address'));
  if (type === 'ExternalName') {
    const ext = getStr(spec, 'externalName') ?? '';
    if (ext === '') errs.push(required('spec.externalName'));
  }
  for (const f of ['externalTrafficPolicy', 'internalTrafficPolicy']) {
    const v = getStr(spec, f);
    if (v !== undefined && v !== '' && !trafficPolicies.includes(v)) errs.push(notSupported(`spec.${f}`, v, trafficPolicies));
  }
  if (old) {
    const before = getStr(getObj(old, 'spec'), 'clusterIP') ?? '';
    if (before !== '' && clusterIP !== before && type !== 'ExternalName')
      errs.push(invalid('spec.clusterIPs[0]', spec.clusterIPs ?? [clusterIP], 'may not change once set'));
  }
  return errs;
}

/** The `services` resource. */
export const services: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'services',
  singular: 'service',
  kind: 'Service',
  listKind: 'ServiceList',
  namespaced: true,
  shortNames: ['svc'],
  categories: ['all'],
  hasStatus: true,
  fieldSelectors: {
    'spec.clusterIP': (o) => getStr(getObj(o, 'spec'), 'clusterIP') ?? '',
    'spec.type': (o) => getStr(getObj(o, 'spec'), 'type') ?? '',
  },
  defaults,
  validate,
  validateName: (name) => nameIsDNS1035Label(name),
};
