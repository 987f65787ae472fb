/** core/v1 Namespace. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { invalid, notSupported } from '../field-errors.js';
import { isQualifiedName, nameIsDNSLabel } from '../validation.js';
import { ensureObj, getObj, getStr, isObj, setDefault } from './util.js';

const standardFinalizers: ReadonlySet<string> = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** Namespace defaults: `spec.finalizers: [kubernetes]`, `status.phase: Active`, the name label. */
function defaults(obj: KubeObject): void {
  const spec = ensureObj(obj, 'spec');
  setDefault(spec, 'finalizers', ['kubernetes']);
  setDefault(ensureObj(obj, 'status'), 'phase', 'Active');
  const name = obj.metadata.name;
  if (name) obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': name };
}

/** Namespace spec.finalizers must be qualified names, standard ones unless prefixed. */
function validate(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const fins = getObj(obj, 'spec')?.finalizers;
  (Array.isArray(fins) ? fins : []).forEach((f) => {
    const name = typeof f === 'string' ? f : '';
    for (const msg of isQualifiedName(name)) errs.push(invalid('spec.finalizers', name, msg));
    if (!name.includes('/') && !standardFinalizers.has(name))
      errs.push(invalid('spec.finalizers', name, 'name is neither a standard finalizer name nor is it fully qualified'));
  });
  const phase = getStr(getObj(obj, 'status'), 'phase');
  if (phase !== undefined && phase !== '' && phase !== 'Active' && phase !== 'Terminating')
    errs.push(notSupported('status.phase', phase, ['Active', 'Terminating']));
  return errs;
}

/** The `namespaces` resource. */
export const namespaces: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'namespaces',
  singular: 'namespace',
  kind: 'Namespace',
  listKind: 'NamespaceList',
  namespaced: false,
  shortNames: ['ns'],
  categories: [],
  hasStatus: true,
  fieldSelectors: {
    'status.phase': (obj) => {
      const s = obj.status;
      return isObj(s) ? (getStr(s, 'phase') ?? '') : '';
    },
  },
  defaults,
  validate,
  validateName: (name) => nameIsDNSLabel(name),
};
