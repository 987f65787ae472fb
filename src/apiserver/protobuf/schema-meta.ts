import type { MessageTable } from './schema.js';

// Field numbers from k8s.io/apimachinery/pkg/apis/meta/v1 (generated.proto).
// Time, MicroTime, Duration and FieldsV1 are well-known types in schema.ts.

/** Message tables of meta/v1: ObjectMeta and what it holds, selectors, options. */
export const metaTables: Readonly<Record<string, MessageTable>> = {
  ObjectMeta: {
    1: 'name',
    2: 'generateName',
    3: 'namespace',
    4: 'selfLink',
    5: 'uid',
    6: 'resourceVersion',
    7: 'generation int64',
    8: 'creationTimestamp Time',
    9: 'deletionTimestamp Time',
    10: 'deletionGracePeriodSeconds int64?',
    11: 'labels map',
    12: 'annotations map',
    13: 'ownerReferences []OwnerReference',
    14: 'finalizers []string',
    17: 'managedFields []ManagedFieldsEntry',
  },
  ListMeta: { 1: 'selfLink', 2: 'resourceVersion', 3: 'continue', 4: 'remainingItemCount int64?' },
  OwnerReference: { 1: 'kind', 3: 'name', 4: 'uid', 5: 'apiVersion', 6: 'controller bool?', 7: 'blockOwnerDeletion bool?' },
  ManagedFieldsEntry: { 1: 'manager', 2: 'operation', 3: 'apiVersion', 4: 'time Time', 6: 'fieldsType', 7: 'fieldsV1 FieldsV1', 8: 'subresource' },
  LabelSelector: { 1: 'matchLabels map', 2: 'matchExpressions []LabelSelectorRequirement' },
  LabelSelectorRequirement: { 1: 'key', 2: 'operator', 3: 'values []string' },
  Condition: { 1: 'type', 2: 'status', 3: 'observedGeneration int64', 4: 'lastTransitionTime Time', 5: 'reason', 6: 'message' },
  Preconditions: { 1: 'uid string?', 2: 'resourceVersion string?' },
  DeleteOptions: {
    1: 'gracePeriodSeconds int64?',
    2: 'preconditions Preconditions',
    3: 'orphanDependents bool?',
    4: 'propagationPolicy string?',
    5: 'dryRun []string',
    6: 'ignoreStoreReadErrorWithClusterBreakingPotential bool?',
  },
};
