import type { KubeObject } from '../../api/meta.js';
import { selectorSpec } from '../../api/apps/index.js';
import { fromLabelSelector } from '../../api/labels.js';
import { age, ageCol, arr, col, formatLabels, get, nameCol, str, type Cell, type Printer } from './helpers.js';

/** metav1.LabelSelector as upstream prints it (`app=x,tier in (a,b)`): `none` when empty, `bad` when invalid. */
function labelSelector(v: unknown, none: string, bad: string): string {
  try {
    const s = fromLabelSelector(selectorSpec(v)).toString();
    return s === '' ? none : s;
  } catch {
    return bad;
  }
}

/** The Containers and Images cells of a pod template (layoutContainerCells). */
function containerCells(o: KubeObject): [string, string] {
  const cs = arr(get(o, 'spec', 'template', 'spec', 'containers'));
  return [cs.map((c) => str(get(c, 'name'), '')).join(','), cs.map((c) => str(get(c, 'image'), '')).join(',')];
}

const n = (o: KubeObject, ...path: string[]): number => Number(get(o, ...path) ?? 0);
const wide = [col('Containers', 1), col('Images', 1)];
const int = (name: string) => col(name, 0, 'integer');

/** The Controller cell of a ControllerRevision: `kind.group/name` of its controller, or `<none>`. */
function controllerOf(o: KubeObject): string {
  const ref = (o.metadata.ownerReferences ?? []).find((r) => r.controller === true);
  if (!ref) return '<none>';
  const slash = ref.apiVersion.indexOf('/');
  const group = slash >= 0 ? ref.apiVersion.slice(0, slash) : '';
  const kind = group ? `${ref.kind}.${group}` : ref.kind;
  return `${kind.toLowerCase()}/${ref.name}`;
}

/** Printers of the apps/v1 kinds, by kind. */
export const appsPrinters: Record<string, Printer> = {
  Deployment: {
    columns: [nameCol, col('Ready'), col('Up-to-date'), col('Available'), ageCol, ...wide, col('Selector', 1)],
    row: (d, now): Cell[] => [
      d.metadata.name ?? '',
      `${n(d, 'status', 'readyReplicas')}/${n(d, 'spec', 'replicas')}`,
      n(d, 'status', 'updatedReplicas'),
      n(d, 'status', 'availableReplicas'),
      age(d.metadata.creationTimestamp, now),
      ...containerCells(d),
      labelSelector(get(d, 'spec', 'selector'), '', '<invalid>'),
    ],
  },
  ReplicaSet: {
    columns: [nameCol, int('Desired'), int('Current'), int('Ready'), ageCol, ...wide, col('Selector', 1)],
    row: (r, now): Cell[] => [
      r.metadata.name ?? '',
      n(r, 'spec', 'replicas'),
      n(r, 'status', 'replicas'),
      n(r, 'status', 'readyReplicas'),
      age(r.metadata.creationTimestamp, now),
      ...containerCells(r),
      labelSelector(get(r, 'spec', 'selector'), '<none>', '<error>'),
    ],
  },
  DaemonSet: {
    columns: [nameCol, int('Desired'), int('Current'), int('Ready'), int('Up-to-date'), int('Available'), col('Node Selector'), ageCol, ...wide, col('Selector', 1)],
    row: (d, now): Cell[] => [
      d.metadata.name ?? '',
      n(d, 'status', 'desiredNumberScheduled'),
      n(d, 'status', 'currentNumberScheduled'),
      n(d, 'status', 'numberReady'),
      n(d, 'status', 'updatedNumberScheduled'),
      n(d, 'status', 'numberAvailable'),
      formatLabels(get(d, 'spec', 'template', 'spec', 'nodeSelector')),
      age(d.metadata.creationTimestamp, now),
      ...containerCells(d),
      labelSelector(get(d, 'spec', 'selector'), '<none>', '<error>'),
    ],
  },
  StatefulSet: {
    columns: [nameCol, col('Ready'), ageCol, ...wide],
    row: (s, now): Cell[] => [
      s.metadata.name ?? '',
      `${n(s, 'status', 'readyReplicas')}/${n(s, 'spec', 'replicas')}`,
      age(s.metadata.creationTimestamp, now),
      ...containerCells(s),
    ],
  },
  ControllerRevision: {
    columns: [nameCol, col('Controller'), col('Revision'), ageCol],
    row: (c, now): Cell[] => [c.metadata.name ?? '', controllerOf(c), n(c, 'revision'), age(c.metadata.creationTimestamp, now)],
  },
};
