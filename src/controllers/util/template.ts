/** Pods made from a workload's template, as upstream's GetPodFromTemplate. */
import type { KubeObject } from '../../api/meta.js';
import { ownerRefTo } from './pods.js';
import type { Pod, PodTemplate } from './types.js';

/**
 * A pod for `owner` from `template`: the template's labels, annotations and
 * finalizers, its spec, and the owner's controller reference. `name` names
 * it; otherwise it gets `generateName: <owner>-`.
 */
export function podFromTemplate(template: PodTemplate | undefined, owner: KubeObject, name?: string): Pod {
  const t = structuredClone(template ?? {});
  const m = t.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(name ? { name } : { generateName: `${owner.metadata.name ?? ''}-` }),
      namespace: owner.metadata.namespace ?? '',
      ...(m.labels ? { labels: m.labels } : {}),
      ...(m.annotations ? { annotations: m.annotations } : {}),
      ...(m.finalizers ? { finalizers: m.finalizers } : {}),
      ownerReferences: [ownerRefTo(owner)],
    },
    spec: t.spec ?? {},
  };
}
