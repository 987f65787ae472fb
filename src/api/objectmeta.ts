/** Validation of metav1.ObjectMeta as upstream's ValidateObjectMetaAccessor and its update twin. */
import type { FieldError, ObjectMeta, OwnerReference } from './meta.js';
import { forbidden, invalid, required, tooLong } from './field-errors.js';
import { isDNS1123Label, isQualifiedName, isValidLabelValue, maskTrailingDash } from './validation.js';

/** Annotations' total size limit (keys plus values, bytes): 256 KiB. */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** How one kind's metadata is validated. */
export interface ObjectMetaOptions {
  /** True if objects of the kind live in a namespace. */
  readonly namespaced: boolean;
  /** Validates a name (and, with a masked trailing dash, a generateName prefix). */
  readonly validateName: (name: string) => string[];
}

const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Validates label keys and values at `field` (upstream reports every problem at the map's path). */
export function validateLabels(labels: Record<string, string> | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const msg of isQualifiedName(k)) errs.push(invalid(field, k, msg));
    for (const msg of isValidLabelValue(v)) errs.push(invalid(field, v, msg));
  }
  return errs;
}

/** Validates annotation keys (case-insensitive qualified names) and the total size. */
export function validateAnnotations(annotations: Record<string, string> | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(field, k, msg));
    size += byteLength(k) + byteLength(v);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(field, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

function validateOwnerReferences(meta: ObjectMeta, field: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  // Decoded JSON may lack "required" fields, so read the references loosely.
  for (const ref of (meta.ownerReferences ?? []) as Partial<OwnerReference>[]) {
    const apiVersion = ref.apiVersion ?? '';
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    if (version.length === 0) errs.push(invalid(`${field}.apiVersion`, apiVersion, 'version must not be empty'));
    if (!ref.kind) errs.push(invalid(`${field}.kind`, '', 'must not be empty'));
    if (!ref.name) errs.push(invalid(`${field}.name`, '', 'must not be empty'));
    if (!ref.uid) errs.push(invalid(`${field}.uid`, '', 'must not be empty'));
    if (apiVersion === 'v1' && ref.kind === 'Event')
      errs.push(invalid(field, ref, '/v1, Kind=Event is disallowed from being an owner'));
    if (ref.controller === true) {
      const cur = `${ref.kind}/${ref.name}`;
      if (firstController === '') firstController = cur;
      else
        errs.push(
          invalid(
            field,
            meta.ownerReferences,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`,
          ),
        );
    }
  }
  return errs;
}

function validateFinalizers(finalizers: readonly string[] | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of finalizers ?? []) for (const msg of isQualifiedName(f)) errs.push(invalid(field, f, msg));
  const list = finalizers ?? [];
  if (list.includes('orphan') && list.includes('foregroundDeletion'))
    errs.push(invalid(field, list, 'finalizer orphan and foregroundDeletion cannot be both set'));
  return errs;
}

/** Shared checks of create and update: namespace, generation, labels, annotations, owners, finalizers. */
function validateCommon(meta: ObjectMeta, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ns = meta.namespace ?? '';
  if (namespaced) {
    if (ns === '') errs.push(required('metadata.namespace'));
    else for (const msg of isDNS1123Label(ns)) errs.push(invalid('metadata.namespace', ns, msg));
  } else if (ns !== '') {
    errs.push(forbidden('metadata.namespace', 'not allowed on this type'));
  }
  if (meta.generation !== undefined && meta.generation < 0)
    errs.push(invalid('metadata.generation', meta.generation, 'must be greater than or equal to 0'));
  errs.push(...validateLabels(meta.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(meta, 'metadata.ownerReferences'));
  errs.push(...validateFinalizers(meta.finalizers, 'metadata.finalizers'));
  return errs;
}

/** Validates an object's metadata on create, as upstream's ValidateObjectMetaAccessor. */
export function validateObjectMeta(meta: ObjectMeta, opts: ObjectMetaOptions): FieldError[] {
  const errs: FieldError[] = [];
  const gen = meta.generateName ?? '';
  if (gen !== '')
    for (const msg of opts.validateName(maskTrailingDash(gen))) errs.push(invalid('metadata.generateName', gen, msg));
  const name = meta.name ?? '';
  if (name === '') errs.push(required('metadata.name', 'name or generateName is required'));
  else for (const msg of opts.validateName(name)) errs.push(invalid('metadata.name', name, msg));
  return [...errs, ...validateCommon(meta, opts.namespaced)];
}

const immutable = 'field is immutable';

/** Validates metadata on update, as upstream's ValidateObjectMetaAccessorUpdate. */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta): FieldError[] {
  const errs: FieldError[] = [];
  if (old.deletionTimestamp !== undefined) {
    const before = new Set(old.finalizers ?? []);
    const added = [...new Set(meta.finalizers ?? [])].filter((f) => !before.has(f)).sort();
    if (added.length > 0)
      errs.push(
        forbidden(
          'metadata.finalizers',
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
        ),
      );
  }
  if (!meta.resourceVersion)
    errs.push(invalid('metadata.resourceVersion', meta.resourceVersion ?? '', 'must be specified for an update'));
  if ((meta.generation ?? 0) < (old.generation ?? 0))
    errs.push(invalid('metadata.generation', meta.generation ?? 0, 'must not be decremented'));
  const same: (keyof ObjectMeta)[] = [
    'name',
    'namespace',
    'uid',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
  ];
  for (const k of same) {
    if ((meta[k] ?? null) !== (old[k] ?? null)) errs.push(invalid(`metadata.${k}`, meta[k] ?? null, immutable));
  }
  errs.push(...validateLabels(meta.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(meta, 'metadata.ownerReferences'));
  errs.push(...validateFinalizers(meta.finalizers, 'metadata.finalizers'));
  return errs;
}
