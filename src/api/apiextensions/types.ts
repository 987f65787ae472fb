import type { KubeObject } from '../meta.js';
import type { Schema } from '../schema/types.js';

/** The API group of CustomResourceDefinitions. */
export const APIEXTENSIONS_GROUP = 'apiextensions.k8s.io';

/** The finalizer that holds a deleted CRD until its custom resources are gone. */
export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

/** apiextensions.k8s.io/v1 CustomResourceDefinitionNames. */
export interface CRDNames {
  plural?: string;
  singular?: string;
  kind?: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

/** One additionalPrinterColumns entry. */
export interface CRDColumn {
  name?: string;
  type?: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath?: string;
}

/** The subresources a version enables. */
export interface CRDSubresources {
  status?: Record<string, never>;
  scale?: { specReplicasPath?: string; statusReplicasPath?: string; labelSelectorPath?: string };
}

/** One version of a CRD. */
export interface CRDVersion {
  name?: string;
  served?: boolean;
  storage?: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema?: { openAPIV3Schema?: Schema };
  subresources?: CRDSubresources;
  additionalPrinterColumns?: CRDColumn[];
}

/** A CRD condition (NamesAccepted, Established, Terminating). */
export interface CRDCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** apiextensions.k8s.io/v1 CustomResourceDefinition. */
export interface CRD extends KubeObject {
  spec: {
    group?: string;
    names?: CRDNames;
    scope?: string;
    versions?: CRDVersion[];
    conversion?: { strategy?: string; webhook?: unknown };
    preserveUnknownFields?: boolean;
  };
  status?: {
    conditions?: CRDCondition[];
    acceptedNames?: CRDNames;
    storedVersions?: string[];
  };
}

/** The condition of a type, if any. */
export const conditionOf = (crd: CRD, type: string) => crd.status?.conditions?.find((c) => c.type === type);

/** True if the CRD's condition of `type` is True. */
export const isConditionTrue = (crd: CRD, type: string) => conditionOf(crd, type)?.status === 'True';
