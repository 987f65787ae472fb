/** core/v1 Endpoints. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { duplicate, invalid, notSupported, required } from '../field-errors.js';
import { isDNS1123Label, isValidPortNum } from '../validation.js';
import { endpointIPErrors } from './ip.js';
import { PROTOCOLS } from './pod-validation.js';
import { getList, getNum, getStr, setDefault } from './util.js';

/** Endpoints defaults: ports' protocol TCP. */
function defaults(obj: KubeObject): void {
  for (const s of getList(obj, 'subsets')) for (const p of getList(s, 'ports')) setDefault(p, 'protocol', 'TCP');
}

/** Endpoints validation: addresses' IPs, ports' names, numbers and protocols. */
function validate(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  getList(obj, 'subsets').forEach((s, i) => {
    const at = `subsets[${i}]`;
    for (const key of ['addresses', 'notReadyAddresses']) {
      getList(s, key).forEach((a, j) => {
        const ip = getStr(a, 'ip') ?? '';
        for (const msg of endpointIPErrors(ip)) errs.push(invalid(`${at}.${key}[${j}].ip`, ip, msg));
        const host = getStr(a, 'hostname') ?? '';
        if (host !== '') for (const msg of isDNS1123Label(host)) errs.push(invalid(`${at}.${key}[${j}].hostname`, host, msg));
      });
    }
    const ports = getList(s, 'ports');
    const names = new Set<string>();
    ports.forEach((p, j) => {
      const pp = `${at}.ports[${j}]`;
      const name = getStr(p, 'name') ?? '';
      if (ports.length > 1 && name === '') errs.push(required(`${pp}.name`));
      else if (name !== '') {
        for (const msg of isDNS1123Label(name)) errs.push(invalid(`${pp}.name`, name, msg));
        if (names.has(name)) errs.push(duplicate(`${pp}.name`, name));
        names.add(name);
      }
      const port = getNum(p, 'port') ?? 0;
      for (const msg of isValidPortNum(port)) errs.push(invalid(`${pp}.port`, port, msg));
      const proto = getStr(p, 'protocol') ?? '';
      if (proto === '') errs.push(required(`${pp}.protocol`));
      else if (!PROTOCOLS.includes(proto)) errs.push(notSupported(`${pp}.protocol`, proto, PROTOCOLS));
    });
  });
  return errs;
}

/** The `endpoints` resource. */
export const endpoints: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'endpoints',
  singular: 'endpoints',
  kind: 'Endpoints',
  listKind: 'EndpointsList',
  namespaced: true,
  shortNames: ['ep'],
  categories: [],
  hasStatus: false,
  fieldSelectors: {},
  defaults,
  validate,
};
