import type { ResourceDef } from '../api/resource.js';
import type { Registry } from './registry.js';
import { reviewResources } from './reviews.js';
import { metricsResources } from './metrics.js';

/** The Kubernetes version skiff serves the API of. */
export const kubernetesVersion = { major: '1', minor: '33', gitVersion: 'v1.33.0+skiff' };

/** `/version` as upstream's version.Info. */
export function versionInfo(): Record<string, string> {
  return {
    ...kubernetesVersion,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '2026-11-21T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

const verbs = (def: ResourceDef) => ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'].filter((v) => def.kind !== 'Namespace' || v !== 'deletecollection');

/** One subresource as discovery lists it. */
interface ServedSubresource {
  readonly name: string;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly verbs: readonly string[];
}

const readWrite = ['get', 'patch', 'update'];

/** One served resource as discovery lists it: a stored kind or a review. */
interface Served {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly verbs: readonly string[];
  readonly subresources: readonly ServedSubresource[];
}

function fromDef(d: ResourceDef): Served {
  const subresources: ServedSubresource[] = [];
  if (d.kind === 'Pod' && d.group === '') {
    // The POST-only subresources (handlers/pods.ts); kubectl drain finds eviction's version here.
    subresources.push({ name: 'binding', group: '', version: 'v1', kind: 'Binding', verbs: ['create'] });
    subresources.push({ name: 'eviction', group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
  }
  // TokenRequest (handlers/tokenrequest.ts).
  if (d.kind === 'ServiceAccount' && d.group === '') subresources.push({ name: 'token', group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] });
  if (d.hasStatus) subresources.push({ name: 'status', group: d.group, version: d.version, kind: d.kind, verbs: readWrite });
  if (d.scale) subresources.push({ name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: readWrite });
  return { ...d, verbs: verbs(d), subresources };
}

/** Every resource discovery lists: the registry's kinds, the create-only reviews, the read-only metrics. */
function served(registry: Registry): Served[] {
  return [
    ...registry.all().map((r) => fromDef(r.def)),
    ...reviewResources.map((r) => ({ ...r, shortNames: [], categories: [], verbs: ['create'], subresources: [] })),
    ...metricsResources.map((r) => ({ ...r, shortNames: [], categories: [], verbs: ['get', 'list'], subresources: [] })),
  ];
}

/** The versions of a named group, preferred first (`/apis/G`). */
export function groupVersions(registry: Registry, group: string): string[] {
  return [...new Set(served(registry).filter((r) => r.group === group).map((r) => r.version))];
}

/** `/api/v1` or `/apis/G/V`: an APIResourceList with each resource and its subresources. */
export function resourceList(registry: Registry, group: string, version: string): Record<string, unknown> | undefined {
  const defs = served(registry).filter((d) => d.group === group && d.version === version);
  if (defs.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const d of defs) {
    const entry: Record<string, unknown> = { name: d.resource, singularName: d.singular, namespaced: d.namespaced, kind: d.kind, verbs: d.verbs };
    if (d.shortNames.length) entry.shortNames = d.shortNames;
    if (d.categories.length) entry.categories = d.categories;
    resources.push(entry);
    for (const sub of d.subresources) {
      const other = sub.group !== d.group || sub.version !== d.version ? { group: sub.group, version: sub.version } : {};
      resources.push({ name: `${d.resource}/${sub.name}`, singularName: '', namespaced: d.namespaced, ...other, kind: sub.kind, verbs: sub.verbs });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

/** `/api`: the core group's versions. */
export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

/** `/apis`: every named group with its versions, preferred first. */
export function apiGroupList(registry: Registry): Record<string, unknown> {
  const groups = new Map<string, string[]>();
  for (const def of served(registry)) {
    if (!def.group) continue;
    const vs = groups.get(def.group) ?? [];
    if (!vs.includes(def.version)) vs.push(def.version);
    groups.set(def.group, vs);
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, vs]) => apiGroup(name, vs)),
  };
}

/** `/apis/G`: one APIGroup. */
export function apiGroup(name: string, versions: readonly string[]): Record<string, unknown> {
  const gv = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { kind: 'APIGroup', apiVersion: 'v1', name, versions: gv, preferredVersion: gv[0] };
}

/** The aggregated discovery version a client accepts (`v2`, `v2beta1`), if any. */
export function aggregatedVersion(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  if (!accept?.includes('g=apidiscovery.k8s.io')) return undefined;
  for (const part of accept.split(',')) {
    if (!part.includes('as=APIGroupDiscoveryList')) continue;
    if (/;\s*v=v2(;|$)/.test(part)) return 'v2';
    if (/;\s*v=v2beta1(;|$)/.test(part)) return 'v2beta1';
  }
  return undefined;
}

function resourceDiscovery(d: Served): Record<string, unknown> {
  const subresources = d.subresources.map((s) => ({ subresource: s.name, responseKind: { group: s.group, version: s.version, kind: s.kind }, verbs: s.verbs }));
  return {
    resource: d.resource,
    responseKind: { group: d.group, version: d.version, kind: d.kind },
    scope: d.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: d.singular,
    verbs: d.verbs,
    ...(d.shortNames.length ? { shortNames: d.shortNames } : {}),
    ...(d.categories.length ? { categories: d.categories } : {}),
    ...(subresources.length ? { subresources } : {}),
  };
}

/**
 * Aggregated discovery (`apidiscovery.k8s.io`): every group, version and
 * resource in one document, for `/api` (the core group) or `/apis` (the
 * others), so that kubectl discovers everything in two requests.
 */
export function aggregatedDiscovery(registry: Registry, core: boolean, version: 'v2' | 'v2beta1'): Record<string, unknown> {
  const groups = new Map<string, Map<string, Record<string, unknown>[]>>();
  for (const def of served(registry)) {
    if ((def.group === '') !== core) continue;
    const versions = groups.get(def.group) ?? new Map<string, Record<string, unknown>[]>();
    versions.set(def.version, [...(versions.get(def.version) ?? []), resourceDiscovery(def)]);
    groups.set(def.group, versions);
  }
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: [...groups].map(([name, versions]) => ({
      metadata: name ? { name } : {},
      versions: [...versions].map(([v, resources]) => ({ version: v, resources, freshness: 'Current' })),
    })),
  };
}
