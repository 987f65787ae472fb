/** A reference to the object that owns another (garbage collection, adoption). */
export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller?: boolean;
  readonly blockOwnerDeletion?: boolean;
}

/** metav1.ObjectMeta. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
}

/** Any API object: type meta, object meta and the kind's own fields. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** metav1.ListMeta. */
export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

/** One reason an object is invalid, as upstream's field.Error (becomes a Status cause). */
export interface FieldError {
  /** Upstream's cause type: FieldValueInvalid, FieldValueRequired, FieldValueNotSupported, FieldValueDuplicate, FieldValueTooLong, FieldValueForbidden, FieldValueTypeInvalid. */
  readonly type: string;
  /** JSON path such as `metadata.name` or `spec.containers[0].image`. */
  readonly field: string;
  /** Upstream's full message, e.g. `Invalid value: "Foo": a lowercase RFC 1123 …`. */
  readonly message: string;
}

/** metav1.Status. */
export interface Status {
  apiVersion: 'v1';
  kind: 'Status';
  metadata: ListMeta;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
    retryAfterSeconds?: number;
  };
  code: number;
}

/** The garbage collector's finalizer for `propagationPolicy: Orphan`: dependents lose their reference to the owner first. */
export const orphanFinalizer = 'orphan';
/** The garbage collector's finalizer for `propagationPolicy: Foreground`: the owner waits for its blocking dependents. */
export const foregroundFinalizer = 'foregroundDeletion';
