import type { FieldError, KubeObject } from './meta.js';
import type { Schema } from './schema/types.js';

/**
 * Everything the generic API machinery needs to serve one resource: adding a
 * kind means adding one of these, never new handler code.
 */
export interface ResourceDef {
  /** API group; '' for the core group. */
  readonly group: string;
  readonly version: string;
  /** Plural, lower case: `pods`. */
  readonly resource: string;
  /** Lower-case singular: `pod`. */
  readonly singular: string;
  readonly kind: string;
  readonly listKind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  /** True if the kind has a `status` that only the status subresource writes. */
  readonly hasStatus: boolean;
  /** True if `metadata.generation` counts spec changes (workload kinds). */
  readonly tracksGeneration?: boolean;
  /** Field selectors beyond metadata.name/metadata.namespace: field path → value getter. */
  readonly fieldSelectors: Readonly<Record<string, (obj: KubeObject) => string>>;
  /** Fill upstream's defaults in place (the object is a private copy). */
  readonly defaults?: (obj: KubeObject) => void;
  /** Kind-specific validation on create (`old` undefined) and update; metadata is validated elsewhere. */
  readonly validate?: (obj: KubeObject, old?: KubeObject) => FieldError[];
  /** Validates a namespace-less name of this kind (default: DNS-1123 subdomain). */
  readonly validateName?: (name: string) => string[];
  /**
   * The scale subresource (autoscaling/v1 Scale): JSON paths of the desired
   * and observed replicas and of the selector, e.g. `.spec.replicas`.
   */
  readonly scale?: ScalePaths;
  /**
   * The kind's OpenAPI v3 schema, self-contained (no `$ref`), for kinds that
   * bring their own (custom resources); built-in kinds' schemas come from
   * src/api/schema.
   */
  readonly schema?: Schema;
  /** Delete marks `deletionTimestamp` and waits for the node (pods) rather than removing at once. */
  readonly gracefulDelete?: boolean;
  /** Where objects are stored when not at `/registry/GROUP/RESOURCE/` (upstream's key of the kind). */
  readonly storagePrefix?: string;
  /** Set when this version is served from another version's storage (see StorageVersion). */
  readonly storedAs?: StorageVersion;
}

/**
 * A version served from the storage of another registered version (as
 * upstream serves autoscaling/v1 HPAs from autoscaling/v2 objects): objects
 * are converted on the way in and out by two pure functions. Defaulting and
 * validation of the served def see served objects; the stored version's
 * rules are the served def's business (it may convert and call them).
 */
export interface StorageVersion {
  /** Group and plural of the stored version's ResourceDef. */
  readonly group: string;
  readonly resource: string;
  /** A served object in the stored form (a fresh object; may share nothing it will mutate with the input). */
  readonly toStorage: (obj: KubeObject) => KubeObject;
  /** A stored object in the served form (a fresh object; metadata kept, resourceVersion included). */
  readonly fromStorage: (obj: KubeObject) => KubeObject;
}

/** Where the scale subresource finds replicas and (for custom resources) a selector string. */
export interface ScalePaths {
  readonly specReplicasPath: string;
  readonly statusReplicasPath: string;
  /** A string field holding the selector; without it the Scale formats `.spec.selector`. */
  readonly labelSelectorPath?: string;
}

/** The scale paths of the built-in workloads (RC, Deployment, ReplicaSet, StatefulSet). */
export const replicasScale: ScalePaths = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' };
