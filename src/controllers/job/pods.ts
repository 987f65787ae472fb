/** The pods a Job creates: its template, owned by the Job, held by the tracking finalizer, with the completion index of Indexed Jobs. */
import type { KubeObject } from '../../api/meta.js';
import { ownerRefTo } from '../util/pods.js';
import { COMPLETION_INDEX } from './indexes.js';
import type { Job } from './types.js';

type Container = { env?: { name: string; valueFrom?: unknown }[] };

/** A new pod for `job` (at completion `index` for an Indexed Job). */
export function newPod(job: Job, index: number | undefined, finalizer: string): KubeObject {
  const template = structuredClone(job.spec.template);
  const name = job.metadata.name ?? '';
  const labels = { ...(template.metadata?.labels ?? {}) };
  const annotations = { ...(template.metadata?.annotations ?? {}) };
  const spec = template.spec;
  if (index !== undefined) {
    annotations[COMPLETION_INDEX] = String(index);
    labels[COMPLETION_INDEX] = String(index);
    spec.hostname ??= `${name}-${String(index)}`;
    // The kubelet resolves this from the annotation, as upstream's controller wires it.
    const env = { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } } };
    for (const list of ['initContainers', 'containers'])
      for (const c of (spec[list] as Container[] | undefined) ?? []) if (!c.env?.some((e) => e.name === env.name)) c.env = [...(c.env ?? []), env];
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: index === undefined ? `${name}-` : `${name}-${String(index)}-`,
      namespace: job.metadata.namespace ?? '',
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
      ownerReferences: [ownerRefTo(job)],
      finalizers: [finalizer],
    },
    spec,
  };
}
