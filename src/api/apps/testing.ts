/** Fixtures for the apps unit tests: objects with a valid pod template, and errors as `field: message` strings. */
import type { KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';

/** A namespaced apps/v1 object of `kind` with the given spec. */
export function appsObject(kind: string, spec: Record<string, unknown>, name = 'web'): KubeObject {
  return { apiVersion: 'apps/v1', kind, metadata: { name, namespace: 'default' }, spec };
}

/** A valid pod template labelled `app=<app>`. */
export function podTemplate(app = 'web'): Record<string, unknown> {
  return { metadata: { labels: { app } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } };
}

/** Defaults `obj` with `def` and returns it. */
export function defaulted(def: ResourceDef, obj: KubeObject): KubeObject {
  def.defaults?.(obj);
  return obj;
}

/** `def`'s validation errors of `obj` (an update if `old` is given) as upstream prints them. */
export function errors(def: ResourceDef, obj: KubeObject, old?: KubeObject): string[] {
  return (def.validate?.(obj, old) ?? []).map((e) => `${e.field}: ${e.message}`);
}

/** `obj.spec` as a record, for editing in tests. */
export function specOf(obj: KubeObject): Record<string, unknown> {
  return obj.spec as Record<string, unknown>;
}
