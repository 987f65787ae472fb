import type { KubeObject } from '../../api/meta.js';
import { fromLabelSelector } from '../../api/labels.js';
import { age, ageCol, arr, col, get, nameCol, str, type Printer } from './helpers.js';

/** The first three rule hosts, `*` for none (formatHosts). */
function hosts(ing: KubeObject): string {
  const rules = arr(get(ing, 'spec', 'rules'));
  const list: string[] = [];
  let more = false;
  for (const r of rules) {
    if (list.length === 3) more = true;
    const h = str(get(r, 'host'), '');
    if (!more && h !== '') list.push(h);
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${rules.length - 3} more...` : list.join(',');
}

/**
 * The load-balancer IPs or hostnames, sorted and unique. Upstream clips them
 * to 16 characters unless wide, but the API server always prints wide.
 */
function address(ing: KubeObject): string {
  const set = new Set(arr(get(ing, 'status', 'loadBalancer', 'ingress')).map((i) => str(get(i, 'ip'), str(get(i, 'hostname'), ''))).filter((a) => a !== ''));
  return [...set].sort().join(',');
}

/** metav1.FormatLabelSelector: the selector's string form, `<none>` if empty. */
export function formatLabelSelector(sel: unknown): string {
  try {
    const s = fromLabelSelector(sel ?? {}).toString();
    return s === '' ? '<none>' : s;
  } catch {
    return '<error>';
  }
}

function parameters(ic: KubeObject): string {
  const p = get(ic, 'spec', 'parameters');
  if (p === undefined || p === null) return '<none>';
  const group = get(p, 'apiGroup');
  return `${str(get(p, 'kind'), '')}${typeof group === 'string' ? `.${group}` : ''}/${str(get(p, 'name'), '')}`;
}

/** Printers of the networking.k8s.io/v1 kinds, by kind. */
export const networkingPrinters: Record<string, Printer> = {
  Ingress: {
    columns: [nameCol, col('Class'), col('Hosts'), col('Address'), col('Ports'), ageCol],
    row: (i, now) => [
      i.metadata.name ?? '',
      str(get(i, 'spec', 'ingressClassName')),
      hosts(i),
      address(i),
      arr(get(i, 'spec', 'tls')).length > 0 ? '80, 443' : '80',
      age(i.metadata.creationTimestamp, now),
    ],
  },
  IngressClass: {
    columns: [nameCol, col('Controller'), col('Parameters'), ageCol],
    row: (c, now) => [c.metadata.name ?? '', str(get(c, 'spec', 'controller'), ''), parameters(c), age(c.metadata.creationTimestamp, now)],
  },
  NetworkPolicy: {
    columns: [nameCol, col('Pod-Selector'), ageCol],
    row: (n, now) => [n.metadata.name ?? '', formatLabelSelector(get(n, 'spec', 'podSelector')), age(n.metadata.creationTimestamp, now)],
  },
};
