/**
 * The schemas of the built-in kinds, built from the generated field table
 * (models.gen.ts) plus what that table lacks: how each list merges (upstream's
 * `patchMergeKey`/`patchStrategy` and `listType`/`listMapKey` markers, facts
 * of the API kept here by type). Definitions are named as upstream names
 * them (`io.k8s.api.core.v1.Container`), so `kubectl explain` shows the same
 * type names.
 */
import { models } from './models.gen.js';
import type { Schema } from './types.js';

/** How a list field merges: `merge:KEY` (by key), `set` (primitives), `retainKeys` on a struct. */
interface ListMerge {
  /** Strategic-merge key. */
  readonly key?: string;
  /** Server-side-apply map keys, when more than the merge key. */
  readonly mapKeys?: readonly string[];
  readonly strategy: string;
}

const byKey = (key: string, ...mapKeys: string[]): ListMerge => ({ key, strategy: 'merge', ...(mapKeys.length ? { mapKeys: [key, ...mapKeys] } : {}) });
const set: ListMerge = { strategy: 'merge' };
const retainKeys: ListMerge = { strategy: 'retainKeys' };
const container = { ports: byKey('containerPort', 'protocol'), env: byKey('name'), volumeMounts: byKey('mountPath'), volumeDevices: byKey('devicePath') };

/** Defaults of list-map key fields, which server-side apply needs to match elements that leave them out. */
const keyDefaults: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  V1ContainerPort: { protocol: 'TCP' },
  V1ServicePort: { protocol: 'TCP' },
};

/** Merge markers by type (client-node's model names) and field. `conditions` lists keyed by `type` need no entry. */
const listMerges: Readonly<Record<string, Readonly<Record<string, ListMerge>>>> = {
  V1ObjectMeta: { finalizers: set, ownerReferences: byKey('uid') },
  V1PodSpec: {
    volumes: { key: 'name', strategy: 'merge,retainKeys' },
    initContainers: byKey('name'),
    containers: byKey('name'),
    ephemeralContainers: byKey('name'),
    imagePullSecrets: byKey('name'),
    hostAliases: byKey('ip'),
    topologySpreadConstraints: byKey('topologyKey', 'whenUnsatisfiable'),
    resourceClaims: { key: 'name', strategy: 'merge,retainKeys' },
    schedulingGates: byKey('name'),
  },
  V1Container: container,
  V1EphemeralContainer: container,
  V1PodStatus: { podIPs: byKey('ip'), hostIPs: byKey('ip') },
  V1ServiceSpec: { ports: byKey('port', 'protocol') },
  V1NodeSpec: { podCIDRs: set },
  V1NodeStatus: { addresses: byKey('type') },
  V1ServiceAccount: { secrets: byKey('name') },
  V1DeploymentSpec: { strategy: retainKeys },
};

const metaTypes = new Set(['ObjectMeta', 'ListMeta', 'LabelSelector', 'LabelSelectorRequirement', 'OwnerReference', 'ManagedFieldsEntry', 'Condition', 'Status', 'StatusDetails', 'StatusCause', 'DeleteOptions', 'Preconditions', 'MicroTime', 'Time']);

/** The short package name of a group, as upstream's definition names use it. */
const groupPackage = (group: string) => (group === '' ? 'core' : group.split('.')[0] ?? group);

/** Upstream's definition name of a client-node model first reached from a kind of `group`. */
function definitionName(model: string, group: string): string {
  const m = /^([A-Z][a-z]+)?(V\d\w*?)([A-Z]\w*)$/.exec(model);
  if (!m) return model;
  const [, , version = '', type = ''] = m;
  const v = version.toLowerCase();
  if (metaTypes.has(type)) return `io.k8s.apimachinery.pkg.apis.meta.${v}.${type}`;
  if (group === 'apiextensions.k8s.io') return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${v}.${type}`;
  return `io.k8s.api.${groupPackage(group)}.${v}.${type}`;
}

const intOrString = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/** Every built-in definition reachable from the kinds registered so far. */
export class BuiltinSchemas {
  /** Definitions by upstream name. */
  readonly definitions = new Map<string, Schema>();
  readonly #names = new Map<string, string>();

  constructor() {
    this.definitions.set(intOrString, { type: 'string', format: 'int-or-string' });
  }

  /** The root model of a kind: `V1Deployment`, or `CoreV1Event` where client-node disambiguates. */
  static model(group: string, version: string, kind: string): string | undefined {
    const v = version.replace(/^./, (c) => c.toUpperCase());
    const prefix = groupPackage(group).replace(/^./, (c) => c.toUpperCase());
    return [`${prefix}${v}${kind}`, `${v}${kind}`].find((n) => Object.hasOwn(models, n));
  }

  /** Adds a kind and what it reaches; returns its definition name, undefined if the table lacks it. */
  addKind(group: string, version: string, kind: string): string | undefined {
    const model = BuiltinSchemas.model(group, version, kind);
    if (!model) return undefined;
    const name = this.#add(model, group);
    const def = this.definitions.get(name);
    if (def) def['x-kubernetes-group-version-kind'] = [{ group, version, kind }];
    return name;
  }

  #add(model: string, group: string): string {
    const known = this.#names.get(model);
    if (known) return known;
    const name = definitionName(model, group);
    this.#names.set(model, name);
    const def: Schema = { type: 'object', properties: {} };
    this.definitions.set(name, def);
    const merges = listMerges[model] ?? {};
    const props = def.properties ?? {};
    for (const field of (models[model] ?? '').split(' ').filter(Boolean)) {
      const i = field.indexOf(':');
      const fname = field.slice(0, i);
      const s = this.#schema(field.slice(i + 1), group);
      const merge = merges[fname] ?? (fname === 'conditions' && s.type === 'array' ? byKey('type') : undefined);
      if (merge) annotate(s, merge);
      else if (s.type === 'array') s['x-kubernetes-list-type'] = 'atomic';
      const d = keyDefaults[model]?.[fname];
      if (d !== undefined) s.default = d;
      props[fname] = s;
    }
    return name;
  }

  #schema(token: string, group: string): Schema {
    if (token.startsWith('[]')) return { type: 'array', items: this.#schema(token.slice(2), group) };
    if (token.startsWith('{}')) return { type: 'object', additionalProperties: this.#schema(token.slice(2), group) };
    switch (token) {
      case 'string': case 'boolean': return { type: token };
      case 'byte': return { type: 'string', format: 'byte' };
      case 'int32': case 'int64': return { type: 'integer', format: token };
      case 'number': return { type: 'number', format: 'double' };
      case 'date-time': return { type: 'string', format: 'date-time' };
      case 'int-or-string': return { $ref: ref(intOrString) };
      case 'any': return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
      default: return { $ref: ref(this.#add(token, group)) };
    }
  }

  /** Resolves a `$ref` made by this class. */
  resolve = (r: string): Schema | undefined => this.definitions.get(r.slice(r.lastIndexOf('/') + 1));
}

/** A `$ref` to a definition, in OpenAPI v3 form. */
export const ref = (name: string) => `#/components/schemas/${name}`;

function annotate(s: Schema, merge: ListMerge): void {
  if (merge.strategy === 'retainKeys') {
    s['x-kubernetes-patch-strategy'] = 'retainKeys';
    return;
  }
  s['x-kubernetes-patch-strategy'] = merge.strategy;
  if (merge.key) {
    s['x-kubernetes-patch-merge-key'] = merge.key;
    s['x-kubernetes-list-type'] = 'map';
    s['x-kubernetes-list-map-keys'] = [...(merge.mapKeys ?? [merge.key])];
  } else s['x-kubernetes-list-type'] = 'set';
}
