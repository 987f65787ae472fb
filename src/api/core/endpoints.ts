/** core/v1 Endpoints. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { invalid } from '../field-errors.js';
import { isDNS1123Label } from '../validation.js';
import { endpointIPErrors } from './ip.js';
import { validateNamedPort } from './ports.js';
import { getList, getStr, setDefault } from './util.js';

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
    ports.forEach((p, j) => errs.push(...validateNamedPort(p, `${at}.ports[${j}]`, ports.length > 1, names)));
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
