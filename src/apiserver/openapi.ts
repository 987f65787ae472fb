import { createHash } from 'node:crypto';
import type { ResourceDef } from '../api/resource.js';
import { builtinSchemas, schemaOf, type Schema } from '../api/schema/index.js';
import { kubernetesVersion } from './discovery.js';
import { encodeMessage, type Field } from './protobuf/wire.js';
import type { Registry } from './registry.js';

/**
 * OpenAPI v3, as much as clients need today: each group-version's paths with
 * their operations, `x-kubernetes-group-version-kind`, and the query
 * parameters (kubectl checks PATCH for `fieldValidation` to choose
 * server-side validation), and the schema of every kind with what it refers
 * to (`kubectl explain` finds a kind by `x-kubernetes-group-version-kind`).
 */
const queryParams = ['dryRun', 'fieldManager', 'fieldValidation', 'pretty'].map((name) => ({
  name,
  in: 'query',
  schema: { type: 'string', uniqueItems: true },
}));

const gvPath = (def: ResourceDef) => (def.group ? `apis/${def.group}/${def.version}` : `api/${def.version}`);

function operations(def: ResourceDef): Record<string, unknown> {
  const gvk = { group: def.group, version: def.version, kind: def.kind };
  const op = (action: string) => ({ 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk, parameters: queryParams, responses: {} });
  const base = `/${gvPath(def)}${def.namespaced ? '/namespaces/{namespace}' : ''}/${def.resource}`;
  const paths: Record<string, unknown> = {
    [base]: { get: op('list'), post: op('post'), delete: op('deletecollection') },
    [`${base}/{name}`]: { get: op('get'), put: op('put'), patch: op('patch'), delete: op('delete') },
  };
  if (def.hasStatus) paths[`${base}/{name}/status`] = { get: op('get'), put: op('put'), patch: op('patch') };
  return paths;
}

/** A kind's component schemas: its own and every definition it reaches. */
function components(def: ResourceDef, into: Record<string, Schema>): void {
  const s = schemaOf(def);
  if (!s) return;
  if (def.schema) {
    into[`${def.group}.${def.version}.${def.kind}`] = { ...def.schema, 'x-kubernetes-group-version-kind': [{ group: def.group, version: def.version, kind: def.kind }] };
    return;
  }
  const defs = builtinSchemas().definitions;
  const visit = (name: string) => {
    const d = defs.get(name);
    if (!d || Object.hasOwn(into, name)) return;
    into[name] = d;
    JSON.stringify(d, (k, v: unknown) => {
      if (k === '$ref' && typeof v === 'string') visit(v.slice(v.lastIndexOf('/') + 1));
      return v;
    });
  };
  visit(builtinSchemas().addKind(def.group, def.version, def.kind) ?? '');
}

/** The v3 documents by group-version path (`api/v1`, `apis/apps/v1`), with their hashes. */
export function openAPIv3(registry: Registry): Map<string, { body: string; hash: string }> {
  const byGV = new Map<string, { paths: Record<string, unknown>; schemas: Record<string, Schema> }>();
  for (const { def } of registry.all()) {
    const gv = byGV.get(gvPath(def)) ?? { paths: {}, schemas: {} };
    Object.assign(gv.paths, operations(def));
    components(def, gv.schemas);
    byGV.set(gvPath(def), gv);
  }
  const docs = new Map<string, { body: string; hash: string }>();
  for (const [gv, { paths, schemas }] of byGV) {
    const body = JSON.stringify({ openapi: '3.0.0', info: { title: 'Kubernetes', version: kubernetesVersion.gitVersion }, paths, components: { schemas } });
    docs.set(gv, { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase().slice(0, 128) });
  }
  return docs;
}

/** `/openapi/v3`: where each group-version's document is. */
export function openAPIv3Root(docs: Map<string, { hash: string }>): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const [gv, d] of docs) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${d.hash}` };
  return { paths };
}

/**
 * `/openapi/v2` as gnostic's openapi_v2.Document in protobuf (what kubectl
 * 1.27–1.28 fetch): paths with a PATCH operation carrying the kind's
 * `x-kubernetes-group-version-kind` and the query parameters. Field numbers
 * are those of gnostic's OpenAPIv2.proto.
 */
export function openAPIv2Protobuf(registry: Registry): Uint8Array {
  const queryParam = (name: string): Field => [8, [[1, [[2, [[3, [[2, 'query'], [4, name], [6, 'string']]]]]]]]];
  const paths: Field[] = [];
  for (const { def } of registry.all()) {
    const gvk = `group: "${def.group}"\nkind: ${def.kind}\nversion: ${def.version}\n`;
    const patch: Field[] = [...queryParams.map((p) => queryParam(p.name)), [13, [[1, 'x-kubernetes-group-version-kind'], [2, [[2, gvk]]]]]];
    const base = `/${gvPath(def)}${def.namespaced ? '/namespaces/{namespace}' : ''}/${def.resource}/{name}`;
    paths.push([2, [[1, base], [2, [[8, patch]]]]]);
  }
  return encodeMessage([
    [1, '2.0'],
    [2, [[1, 'Kubernetes'], [2, kubernetesVersion.gitVersion]]],
    [8, paths],
  ]);
}
