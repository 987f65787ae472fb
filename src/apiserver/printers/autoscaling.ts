import type { KubeObject } from '../../api/meta.js';
import { hpaToV2 } from '../../api/autoscaling/index.js';
import { age, ageCol, arr, col, get, nameCol, str, type Printer } from './helpers.js';

const quantity = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '<unknown>');

/** One metric as upstream's formatHPAMetrics writes it (`cpu: 40%/80%`, `<unknown>/1k (avg)`). */
function formatMetric(spec: unknown, status: unknown): string {
  switch (get(spec, 'type')) {
    case 'External':
    case 'Object': {
      const src = get(spec, get(spec, 'type') === 'External' ? 'external' : 'object');
      const cur = get(status, get(spec, 'type') === 'External' ? 'external' : 'object', 'current');
      const avg = get(src, 'target', 'averageValue');
      if (avg !== undefined) return `${get(cur, 'averageValue') !== undefined ? quantity(get(cur, 'averageValue')) : '<unknown>'}/${quantity(avg)} (avg)`;
      return `${cur !== undefined ? quantity(get(cur, 'value')) : '<unknown>'}/${quantity(get(src, 'target', 'value'))}`;
    }
    case 'Pods': {
      const cur = get(status, 'pods', 'current');
      return `${cur !== undefined ? quantity(get(cur, 'averageValue')) : '<unknown>'}/${quantity(get(spec, 'pods', 'target', 'averageValue'))}`;
    }
    case 'Resource':
    case 'ContainerResource': {
      const key = get(spec, 'type') === 'Resource' ? 'resource' : 'containerResource';
      const src = get(spec, key);
      const cur = get(status, key, 'current');
      const name = quantity(get(src, 'name'));
      const avg = get(src, 'target', 'averageValue');
      if (avg !== undefined) return `${name}: ${get(status, key) !== undefined ? quantity(get(cur, 'averageValue')) : '<unknown>'}/${quantity(avg)}`;
      const now = get(cur, 'averageUtilization');
      const target = get(src, 'target', 'averageUtilization');
      return `${name}: ${typeof now === 'number' ? `${now}%` : '<unknown>'}/${typeof target === 'number' ? `${target}%` : '<auto>'}`;
    }
    default:
      return '<unknown type>';
  }
}

/** Upstream's formatHPAMetrics: the first two metrics, then `+ N more...`. */
export function formatHPAMetrics(hpa: KubeObject): string {
  const specs = arr(get(hpa, 'spec', 'metrics'));
  if (specs.length === 0) return '<none>';
  const statuses = arr(get(hpa, 'status', 'currentMetrics'));
  const list = specs.map((s, i) => formatMetric(s, statuses[i]));
  return list.length > 2 ? `${list.slice(0, 2).join(', ')} + ${list.length - 2} more...` : list.join(', ');
}

/** autoscaling printers (upstream's columns), printed from the v2 form whatever version was asked for. */
export const autoscalingPrinters: Readonly<Record<string, Printer>> = {
  HorizontalPodAutoscaler: {
    columns: [nameCol, col('Reference'), col('Targets'), col('MinPods'), col('MaxPods', 0, 'integer'), col('Replicas', 0, 'integer'), ageCol],
    row: (o, now) => {
      const h = o.apiVersion === 'autoscaling/v1' ? hpaToV2(o) : o;
      const min = get(h, 'spec', 'minReplicas');
      return [
        h.metadata.name ?? '',
        `${str(get(h, 'spec', 'scaleTargetRef', 'kind'), '')}/${str(get(h, 'spec', 'scaleTargetRef', 'name'), '')}`,
        formatHPAMetrics(h),
        typeof min === 'number' ? String(min) : '<unset>',
        Number(get(h, 'spec', 'maxReplicas') ?? 0),
        Number(get(h, 'status', 'currentReplicas') ?? 0),
        age(h.metadata.creationTimestamp, now),
      ];
    },
  },
};
