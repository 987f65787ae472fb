import type { KubeObject } from '../api/meta.js';
import { fromLabelSelector, selectorFromSet, type LabelSelectorSpec } from '../api/labels.js';
import type { ResourceDef } from '../api/resource.js';
import { invalid as fieldInvalid, statusMessageFor } from '../api/validation.js';
import { badRequest, invalid } from './errors.js';

/** A path such as `.spec.replicas` as keys. */
const keys = (path: string) => path.split('.').filter(Boolean);

function at(obj: unknown, path: string): unknown {
  let v = obj;
  for (const k of keys(path)) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

/** metav1.LabelSelector or a plain label map (ReplicationController) as a selector string, as upstream prints it. */
function selectorText(sel: unknown): string {
  if (!sel || typeof sel !== 'object' || Array.isArray(sel)) return '';
  const typed = 'matchLabels' in sel || 'matchExpressions' in sel;
  try {
    return (typed ? fromLabelSelector(sel as LabelSelectorSpec) : selectorFromSet(sel as Record<string, string>)).toString();
  } catch {
    return '';
  }
}

/** The autoscaling/v1 Scale of an object whose kind has a scale subresource. */
export function toScale(def: ResourceDef, obj: KubeObject): KubeObject {
  const scale = def.scale;
  if (!scale) throw badRequest(`${def.resource} have no scale subresource`);
  const m = obj.metadata;
  const selector = scale.labelSelectorPath ? at(obj, scale.labelSelectorPath) : undefined;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name ?? '', namespace: m.namespace ?? '', uid: m.uid ?? '', resourceVersion: m.resourceVersion ?? '', creationTimestamp: m.creationTimestamp ?? '' },
    spec: { replicas: Number(at(obj, scale.specReplicasPath) ?? 0) },
    status: {
      replicas: Number(at(obj, scale.statusReplicasPath) ?? 0),
      selector: typeof selector === 'string' && selector ? selector : selectorText(at(obj, '.spec.selector')),
    },
  };
}

/** `obj` with the replicas a written Scale asks for; 422 as upstream for a bad count. */
export function fromScale(def: ResourceDef, scale: unknown, obj: KubeObject): KubeObject {
  const replicas = (scale as { spec?: { replicas?: unknown } } | null)?.spec?.replicas;
  const name = obj.metadata.name ?? '';
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    const errors = [fieldInvalid('spec.replicas', replicas ?? null, 'must be greater than or equal to 0')];
    throw invalid('Scale', 'autoscaling', name, statusMessageFor('Scale', name, errors, 'autoscaling'), errors);
  }
  const next = structuredClone(obj);
  const path = keys(def.scale?.specReplicasPath ?? '.spec.replicas');
  let target = next as Record<string, unknown>;
  for (const k of path.slice(0, -1)) target = (target[k] ??= {}) as Record<string, unknown>;
  target[path[path.length - 1] ?? 'replicas'] = replicas;
  return next;
}

/** A handler's answer about the whole object, turned into its Scale. */
export function scaleReply(def: ResourceDef, reply: { code: number; body: unknown; raw?: boolean }): { code: number; body: unknown } {
  const obj = (reply.raw ? JSON.parse(reply.body as string) : reply.body) as KubeObject;
  return { code: reply.code, body: toScale(def, obj) };
}
