/**
 * Strategic-merge-patch metadata of the built-in kinds: for each field that
 * does not simply replace, its merge key and strategy, as upstream's Go
 * struct tags (`patchMergeKey`, `patchStrategy`). Fields not listed are
 * replaced as a whole (lists) or merged key by key (maps), upstream's
 * default. Kinds' schemas will carry this (issue 3); until then it lives here.
 */

/** How one field of an object patches. */
export interface FieldPatchMeta {
  /** Lists of objects: the key identifying an element (`name`, `containerPort`). */
  readonly key?: string;
  /** `merge` (lists merge by key, or as a set of primitives); `retainKeys` (drop keys not in the patch); both. */
  readonly strategy?: readonly ('merge' | 'retainKeys')[];
  /** Metadata of the field's value, or of each element of a list. */
  readonly fields?: PatchMeta;
}

/** Patch metadata of an object: by field name. */
export type PatchMeta = Readonly<Record<string, FieldPatchMeta>>;

const merge = ['merge'] as const;
const byKey = (key: string, fields?: PatchMeta, retain = false): FieldPatchMeta => ({
  key,
  strategy: retain ? ['merge', 'retainKeys'] : merge,
  ...(fields ? { fields } : {}),
});
const nested = (fields: PatchMeta): FieldPatchMeta => ({ fields });
const conditions: PatchMeta = { conditions: byKey('type') };

const objectMeta: PatchMeta = {
  finalizers: { strategy: merge },
  ownerReferences: byKey('uid'),
};

const container: PatchMeta = {
  ports: byKey('containerPort'),
  env: byKey('name'),
  volumeMounts: byKey('mountPath'),
  volumeDevices: byKey('devicePath'),
};

const podSpec: PatchMeta = {
  volumes: byKey('name', undefined, true),
  initContainers: byKey('name', container),
  containers: byKey('name', container),
  ephemeralContainers: byKey('name', container),
  imagePullSecrets: byKey('name'),
  hostAliases: byKey('ip'),
  topologySpreadConstraints: byKey('topologyKey'),
  resourceClaims: byKey('name', undefined, true),
  schedulingGates: byKey('name'),
};

const podTemplate: FieldPatchMeta = nested({ metadata: nested(objectMeta), spec: nested(podSpec) });

const common: PatchMeta = { metadata: nested(objectMeta) };

/** The patch metadata of each built-in kind, by `group/Kind`. */
export const patchMetaByKind: Readonly<Record<string, PatchMeta>> = {
  '/Pod': { ...common, spec: nested(podSpec), status: nested({ ...conditions, podIPs: byKey('ip'), hostIPs: byKey('ip') }) },
  '/PodTemplate': { ...common, template: podTemplate },
  '/ReplicationController': { ...common, spec: nested({ template: podTemplate }), status: nested(conditions) },
  '/Service': { ...common, spec: nested({ ports: byKey('port') }), status: nested(conditions) },
  '/Node': { ...common, spec: nested({ podCIDRs: { strategy: merge } }), status: nested({ ...conditions, addresses: byKey('type') }) },
  '/Namespace': { ...common, status: nested(conditions) },
  'apps/Deployment': { ...common, spec: nested({ template: podTemplate, strategy: { strategy: ['retainKeys'] } }), status: nested(conditions) },
  'apps/ReplicaSet': { ...common, spec: nested({ template: podTemplate }), status: nested(conditions) },
  'apps/DaemonSet': { ...common, spec: nested({ template: podTemplate }), status: nested(conditions) },
  'apps/StatefulSet': { ...common, spec: nested({ template: podTemplate }), status: nested(conditions) },
  'batch/Job': { ...common, spec: nested({ template: podTemplate }), status: nested(conditions) },
  'batch/CronJob': { ...common, spec: nested({ jobTemplate: nested({ metadata: nested(objectMeta), spec: nested({ template: podTemplate }) }) }) },
};

/** The patch metadata of a kind; every kind has at least ObjectMeta's. */
export const patchMetaFor = (group: string, kind: string): PatchMeta => patchMetaByKind[`${group}/${kind}`] ?? common;
