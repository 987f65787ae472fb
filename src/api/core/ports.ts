/** Validation shared by the named ports of Services and Endpoints. */
import type { FieldError } from '../meta.js';
import { duplicate, invalid, notSupported, required } from '../field-errors.js';
import { isDNS1123Label, isValidPortNum } from '../validation.js';
import { PROTOCOLS } from './pod-validation.js';
import { getNum, getStr, type Obj } from './util.js';

/**
 * A port's name (required when `requireName`; a DNS-1123 label, unique
 * among `names`, which it joins), number and protocol, as upstream.
 */
export function validateNamedPort(p: Obj, at: string, requireName: boolean, names: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const name = getStr(p, 'name') ?? '';
  if (requireName && name === '') errs.push(required(`${at}.name`));
  else if (name !== '') {
    for (const msg of isDNS1123Label(name)) errs.push(invalid(`${at}.name`, name, msg));
    if (names.has(name)) errs.push(duplicate(`${at}.name`, name));
    names.add(name);
  }
  const port = getNum(p, 'port') ?? 0;
  for (const msg of isValidPortNum(port)) errs.push(invalid(`${at}.port`, port, msg));
  const proto = getStr(p, 'protocol') ?? '';
  if (proto === '') errs.push(required(`${at}.protocol`));
  else if (!PROTOCOLS.includes(proto)) errs.push(notSupported(`${at}.protocol`, proto, PROTOCOLS));
  return errs;
}
