import type { KubeObject } from '../meta.js';
import type { PrinterColumn, ResourceDef } from '../resource.js';
import { applyDefaults } from '../schema/defaults.js';
import type { Schema } from '../schema/types.js';
import { validateValue } from '../schema/validate.js';
import type { CRD, CRDVersion } from './types.js';

/** Upstream's column when a version declares none: the object's age. */
const ageColumn: PrinterColumn = {
  name: 'Age',
  type: 'date',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
  jsonPath: '.metadata.creationTimestamp',
};

/**
 * The schema a custom resource is served with: the version's, with the
 * fields every object has described (for kubectl explain); metadata is the
 * server's to check, so the schema keeps all of it.
 */
function servedSchema(schema: Schema): Schema {
  return {
    ...schema,
    properties: {
      apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
      kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
      ...schema.properties,
      metadata: { type: 'object', description: 'Standard object\'s metadata.', 'x-kubernetes-preserve-unknown-fields': true },
    },
  };
}

/**
 * The ResourceDef of one served version of an established CRD, under its
 * accepted names: validation and defaulting come from the version's
 * schema, so the generic handlers serve custom resources unchanged.
 */
export function customResourceDef(crd: CRD, version: CRDVersion): ResourceDef {
  const names = crd.status?.acceptedNames ?? {};
  const schema = version.schema?.openAPIV3Schema;
  const scale = version.subresources?.scale;
  const columns = version.additionalPrinterColumns ?? [];
  return {
    group: crd.spec.group ?? '',
    version: version.name ?? '',
    resource: names.plural ?? '',
    singular: names.singular ?? '',
    kind: names.kind ?? '',
    listKind: names.listKind ?? '',
    namespaced: crd.spec.scope === 'Namespaced',
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    hasStatus: version.subresources?.status !== undefined,
    tracksGeneration: true,
    fieldSelectors: {},
    // Unknown fields are pruned (and reported) by field validation, from `schema`.
    ...(schema
      ? {
          schema: servedSchema(schema),
          defaults: (obj: KubeObject) => applyDefaults(obj, schema),
          // A status write skips `defaults`; defaulting again is a no-op otherwise.
          validate: (obj: KubeObject) => {
            applyDefaults(obj, schema);
            return validateValue(obj, schema);
          },
        }
      : {}),
    ...(scale?.specReplicasPath && scale.statusReplicasPath
      ? { scale: { specReplicasPath: scale.specReplicasPath, statusReplicasPath: scale.statusReplicasPath, ...(scale.labelSelectorPath ? { labelSelectorPath: scale.labelSelectorPath } : {}) } }
      : {}),
    printerColumns: columns.length
      ? columns.map((c) => ({ name: c.name ?? '', type: c.type ?? 'string', ...(c.format ? { format: c.format } : {}), ...(c.description ? { description: c.description } : {}), priority: c.priority ?? 0, jsonPath: c.jsonPath ?? '' }))
      : [ageColumn],
  };
}

/** `v1` → [1, 3, 0]: GA sorts before beta before alpha, higher numbers first; other names last. */
function versionRank(v: string): [number, number, number] | undefined {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
  if (!m) return undefined;
  const level = m[2] === 'alpha' ? 1 : m[2] === 'beta' ? 2 : 3;
  return [level, Number(m[1]), Number(m[3] ?? 0)];
}

/** Upstream's kube-aware version order (the first is the group's preferred version). */
export function compareVersions(a: string, b: string): number {
  const ra = versionRank(a);
  const rb = versionRank(b);
  if (!ra || !rb) return ra ? -1 : rb ? 1 : a < b ? -1 : a > b ? 1 : 0;
  return rb[0] - ra[0] || rb[1] - ra[1] || rb[2] - ra[2];
}

/** The ResourceDefs of every served version of a CRD, preferred version first. */
export function customResourceDefs(crd: CRD): ResourceDef[] {
  const served = (crd.spec.versions ?? []).filter((v) => v.served && v.name);
  return served.sort((a, b) => compareVersions(a.name ?? '', b.name ?? '')).map((v) => customResourceDef(crd, v));
}
