/**
 * The downward API as the kubelet resolves it for environment variables
 * and `downwardAPI` volumes: a pod's own fields (`fieldRef`) and its
 * containers' resources (`resourceFieldRef`), formatted as upstream does.
 */
import { quantityValue } from '../api/quantity.js';

/** The parts of a pod the downward API reads. */
export interface DownwardPod {
  readonly metadata: { name?: string; namespace?: string; uid?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  readonly spec?: { nodeName?: string; serviceAccountName?: string; containers?: readonly DownwardContainer[]; initContainers?: readonly DownwardContainer[] };
  readonly status?: { hostIP?: string; hostIPs?: readonly { ip?: string }[]; podIP?: string; podIPs?: readonly { ip?: string }[] };
}

export interface DownwardContainer {
  readonly name: string;
  readonly resources?: { limits?: Record<string, string | number>; requests?: Record<string, string | number> };
}

/** A reference the pod cannot answer: the kubelet reports it as the container's CreateContainerConfigError. */
export class DownwardError extends Error {
  override readonly name = 'DownwardError';
}

const quoted = /^metadata\.(labels|annotations)\['(.+)'\]$/;

/** The value of `fieldPath` of the pod (upstream's ExtractFieldPathAsString plus the status fields the kubelet adds). */
export function fieldRefValue(pod: DownwardPod, fieldPath: string): string {
  const m = quoted.exec(fieldPath);
  if (m) {
    const map = m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations;
    return map?.[m[2] ?? ''] ?? '';
  }
  const ips = (list: readonly { ip?: string }[] | undefined, one: string | undefined) => (list?.length ? list.map((i) => i.ip ?? '').join(',') : (one ?? ''));
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'metadata.labels':
      return formatMap(pod.metadata.labels);
    case 'metadata.annotations':
      return formatMap(pod.metadata.annotations);
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
      return pod.status?.hostIP ?? '';
    case 'status.hostIPs':
      return ips(pod.status?.hostIPs, pod.status?.hostIP);
    case 'status.podIP':
      return pod.status?.podIP ?? '';
    case 'status.podIPs':
      return ips(pod.status?.podIPs, pod.status?.podIP);
    default:
      throw new DownwardError(`unsupported fieldPath: ${fieldPath}`);
  }
}

/** `key="value"` lines, sorted by key, values quoted as Go's %q does (the downward API volume's labels and annotations files). */
export function formatMap(map: Readonly<Record<string, string>> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(map?.[k] ?? '')}`)
    .join('\n');
}

/** What a node offers a container without limits: its allocatable (upstream's MergeContainerResourceLimits). */
export type Allocatable = Readonly<Record<string, string | number>>;

/**
 * The value of `resource` (`limits.cpu`, `requests.memory`, …) of container
 * `containerName` in units of `divisor` (default 1), rounded up, as
 * upstream's ExtractContainerResourceValue. An unset limit is the node's
 * allocatable.
 */
export function resourceFieldRefValue(pod: DownwardPod, containerName: string, resource: string, divisor: string | number | undefined, allocatable: Allocatable): string {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  const c = containers.find((x) => x.name === containerName);
  if (!c) throw new DownwardError(`container ${containerName} not found in pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`);
  const [kind, name] = resource.split(/\.(.*)/s) as [string, string | undefined];
  if ((kind !== 'limits' && kind !== 'requests') || !name) throw new DownwardError(`unsupported container resource: ${resource}`);
  const set = kind === 'limits' ? (c.resources?.limits?.[name] ?? allocatable[name]) : c.resources?.requests?.[name];
  const value = quantityValue(set ?? 0) ?? 0;
  const unit = quantityValue(divisor ?? 1) ?? 1;
  if (unit <= 0) throw new DownwardError(`invalid divisor: ${String(divisor)}`);
  // Rounded up in the divisor's units; CPU is counted in millicores first, as upstream does, so that 1m with divisor 1 is 1.
  if (name === 'cpu') return String(Math.ceil(Math.round(value * 1000) / Math.round(unit * 1000)));
  return String(Math.ceil(value / unit));
}
