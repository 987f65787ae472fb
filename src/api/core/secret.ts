/** core/v1 Secret. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { forbidden, invalid, required, tooLong } from '../field-errors.js';
import { isConfigMapKey } from '../validation.js';
import { base64Error } from './base64.js';
import { MAX_DATA_SIZE } from './configmap.js';
import { getObj, getStr, jsonEqual } from './util.js';

/** Secret defaults: `type: Opaque`; `stringData` folded into `data` (base64), as upstream's conversion. */
function defaults(obj: KubeObject): void {
  if (!obj.type) obj.type = 'Opaque';
  const sd = getObj(obj, 'stringData');
  if (sd) {
    const data = { ...(getObj(obj, 'data') ?? {}) };
    for (const [k, v] of Object.entries(sd)) if (typeof v === 'string') data[k] = Buffer.from(v).toString('base64');
    obj.data = data;
    delete obj.stringData;
  }
}

const redacted = '<secret contents redacted>';

/** Secret validation: keys, base64, size, per-type required keys, type and immutability on update. */
function validate(obj: KubeObject, old?: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = getObj(obj, 'data') ?? {};
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const msg of isConfigMapKey(k)) errs.push(invalid(`data[${k}]`, k, msg));
    const text = typeof v === 'string' ? v : '';
    const bad = base64Error(text);
    if (bad) errs.push(invalid(`data[${k}]`, redacted, bad));
    else size += Buffer.from(text, 'base64').length;
  }
  if (size > MAX_DATA_SIZE) errs.push(tooLong('data', MAX_DATA_SIZE));
  const type = typeof obj.type === 'string' ? obj.type : '';
  const need = (key: string): void => {
    if (!Object.hasOwn(data, key)) errs.push(required(`data[${key}]`));
  };
  switch (type) {
    case 'kubernetes.io/service-account-token':
      if (!obj.metadata.annotations?.['kubernetes.io/service-account.name'])
        errs.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
      break;
    case 'kubernetes.io/dockercfg':
      need('.dockercfg');
      break;
    case 'kubernetes.io/dockerconfigjson':
      need('.dockerconfigjson');
      break;
    case 'kubernetes.io/basic-auth':
      if (!getStr(data, 'username') && !getStr(data, 'password')) {
        errs.push(required('data[username]'));
        errs.push(required('data[password]'));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      need('ssh-privatekey');
      break;
    case 'kubernetes.io/tls':
      need('tls.crt');
      need('tls.key');
      break;
    default:
  }
  if (old) {
    if (old.type !== obj.type) errs.push(invalid('type', type, 'field is immutable'));
    if (old.immutable === true) {
      if (obj.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
      if (!jsonEqual(obj.data, old.data)) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
    }
  }
  return errs;
}

/** The `secrets` resource. */
export const secrets: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'secrets',
  singular: 'secret',
  kind: 'Secret',
  listKind: 'SecretList',
  namespaced: true,
  shortNames: [],
  categories: [],
  hasStatus: false,
  fieldSelectors: { type: (obj) => (typeof obj.type === 'string' ? obj.type : '') },
  defaults,
  validate,
};
