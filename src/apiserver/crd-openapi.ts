import { createHash } from 'node:crypto';
import type { CRD } from '../api/apiextensions/index.js';
import type { ResourceDef } from '../api/resource.js';
import type { Schema } from '../api/schema/types.js';
import { kubernetesVersion } from './discovery.js';
import { operations } from './openapi.js';

/** One served CRD and the resources it serves. */
export interface ServedCRD {
  readonly crd: CRD;
  readonly defs: readonly ResourceDef[];
}

const objectMetaRef = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const listMetaRef = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';

/** `stable.example.com` + `v1` + `CronTab` → `com.example.stable.v1.CronTab`, upstream's definition name. */
export const definitionName = (group: string, version: string, kind: string) => `${group.split('.').reverse().join('.')}.${version}.${kind}`;

const typeMeta = {
  apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
  kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
} satisfies Record<string, Schema>;

/** The kind's schema as published: the CRD's schema with type meta, metadata and its group-version-kind. */
function kindSchema(def: ResourceDef, schema: Schema | undefined): Record<string, unknown> {
  const s: Schema = structuredClone(schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
  return {
    ...s,
    type: 'object',
    properties: {
      ...typeMeta,
      ...s.properties,
      metadata: { description: 'Standard object metadata.', allOf: [{ $ref: `#/components/schemas/${objectMetaRef}` }] },
    },
    'x-kubernetes-group-version-kind': [{ group: def.group, kind: def.kind, version: def.version }],
  };
}

function listSchema(def: ResourceDef, item: string): Record<string, unknown> {
  return {
    description: `${def.listKind} is a list of ${def.kind}`,
    type: 'object',
    required: ['items'],
    properties: {
      ...typeMeta,
      items: { type: 'array', items: { $ref: `#/components/schemas/${item}` } },
      metadata: { allOf: [{ $ref: `#/components/schemas/${listMetaRef}` }] },
    },
    'x-kubernetes-group-version-kind': [{ group: def.group, kind: def.listKind, version: def.version }],
  };
}

/** Just enough of ObjectMeta and ListMeta for `kubectl explain <kind>.metadata`. */
const metaSchemas = {
  [objectMetaRef]: {
    description: 'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
    type: 'object',
    properties: {
      name: { type: 'string', description: 'Name must be unique within a namespace.' },
      namespace: { type: 'string', description: 'Namespace defines the space within which each name must be unique.' },
      labels: { type: 'object', additionalProperties: { type: 'string' }, description: 'Map of string keys and values that can be used to organize and categorize objects.' },
      annotations: { type: 'object', additionalProperties: { type: 'string' }, description: 'Annotations is an unstructured key value map stored with a resource.' },
      uid: { type: 'string' },
      resourceVersion: { type: 'string' },
      generation: { type: 'integer', format: 'int64' },
      creationTimestamp: { type: 'string', format: 'date-time' },
      deletionTimestamp: { type: 'string', format: 'date-time' },
      finalizers: { type: 'array', items: { type: 'string' } },
    },
  },
  [listMetaRef]: {
    description: 'ListMeta describes metadata that synthetic resources must have, including lists.',
    type: 'object',
    properties: { resourceVersion: { type: 'string' }, continue: { type: 'string' }, remainingItemCount: { type: 'integer', format: 'int64' } },
  },
};

/**
 * The OpenAPI v3 document of each group-version that custom resources are
 * served in (`apis/GROUP/VERSION`), with each kind's schema as a component
 * carrying its `x-kubernetes-group-version-kind`, as kubectl explain and
 * kubectl's field validation look them up.
 */
export function customResourceDocs(served: readonly ServedCRD[]): Map<string, { body: string; hash: string }> {
  const byGV = new Map<string, { paths: Record<string, unknown>; schemas: Record<string, unknown> }>();
  for (const { crd, defs } of served) {
    for (const def of defs) {
      const gv = `apis/${def.group}/${def.version}`;
      const doc = byGV.get(gv) ?? { paths: {}, schemas: { ...metaSchemas } };
      const schema = crd.spec.versions?.find((v) => v.name === def.version)?.schema?.openAPIV3Schema;
      const name = definitionName(def.group, def.version, def.kind);
      Object.assign(doc.paths, operations(def));
      doc.schemas[name] = kindSchema(def, schema);
      doc.schemas[definitionName(def.group, def.version, def.listKind)] = listSchema(def, name);
      byGV.set(gv, doc);
    }
  }
  const docs = new Map<string, { body: string; hash: string }>();
  for (const [gv, { paths, schemas }] of byGV) {
    const body = JSON.stringify({ openapi: '3.0.0', info: { title: 'Kubernetes CRD Swagger', version: kubernetesVersion.gitVersion }, paths, components: { schemas } });
    docs.set(gv, { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase().slice(0, 128) });
  }
  return docs;
}
