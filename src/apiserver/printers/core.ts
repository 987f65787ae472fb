import type { KubeObject } from '../../api/meta.js';
import { age, ageCol, arr, col, count, formatLabels, get, nameCol, str, type Printer } from './helpers.js';
import { podCells, podWideCells } from './pod.js';
import { eventToCore } from '../../api/events/index.js';

function servicePorts(svc: KubeObject): string {
  const ports = arr(get(svc, 'spec', 'ports')).map((p) => {
    const n = get(p, 'port');
    const port = typeof n === 'number' ? String(n) : '<unknown>';
    const node = get(p, 'nodePort');
    return `${port}${typeof node === 'number' ? `:${node}` : ''}/${str(get(p, 'protocol'), 'TCP')}`;
  });
  return ports.length ? ports.join(',') : '<none>';
}

/** formatEndpoints: `ip:port` for each port of each subset, then each address; the first three, `+ N more...` past them. */
function endpointsList(ep: KubeObject): string {
  const subsets = arr(get(ep, 'subsets'));
  if (subsets.length === 0) return '<none>';
  const out: string[] = [];
  let count = 0;
  for (const s of subsets) {
    const addresses = arr(get(s, 'addresses')).map((a) => str(get(a, 'ip'), ''));
    const ports = arr(get(s, 'ports'));
    // Headless services may have no ports: the addresses alone.
    const perPort = ports.length ? ports.map((p) => addresses.map((ip) => `${ip.includes(':') ? `[${ip}]` : ip}:${String(get(p, 'port'))}`)) : [addresses];
    for (const list of perPort) {
      count += list.length;
      out.push(...list);
    }
  }
  return count > 3 ? `${out.slice(0, 3).join(',')} + ${count - 3} more...` : out.join(',');
}

function nodeStatus(node: KubeObject): string {
  const ready = arr(get(node, 'status', 'conditions')).find((c) => get(c, 'type') === 'Ready');
  const s = ready === undefined ? 'Unknown' : get(ready, 'status') === 'True' ? 'Ready' : 'NotReady';
  return get(node, 'spec', 'unschedulable') === true ? `${s},SchedulingDisabled` : s;
}

/** findNodeRoles: `node-role.kubernetes.io/ROLE` labels and the `kubernetes.io/role` label, sorted and unique. */
function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/') && k.length > 24) roles.add(k.slice(24));
    else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return [...roles].sort().join(',') || '<none>';
}

/** getServiceExternalIP: external IPs, or the load balancer's (`<pending>` until it has one), or the external name. */
function serviceExternalIP(s: KubeObject): string {
  const ext = arr(get(s, 'spec', 'externalIPs')).map(String);
  switch (str(get(s, 'spec', 'type'), 'ClusterIP')) {
    case 'ClusterIP':
    case 'NodePort':
      return ext.length ? ext.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = [...new Set(arr(get(s, 'status', 'loadBalancer', 'ingress')).map((i) => str(get(i, 'ip'), str(get(i, 'hostname'), ''))).filter((a) => a !== ''))].sort();
      if (ext.length) return [...lb, ...ext].join(',');
      return lb.length ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(get(s, 'spec', 'externalName'), '');
    default:
      return '<unknown>';
  }
}

/** Printers of the core/v1 kinds, by kind. */
export const corePrinters: Record<string, Printer> = {
  Pod: {
    columns: [nameCol, col('Ready'), col('Status'), col('Restarts'), ageCol, col('IP', 1), col('Node', 1), col('Nominated Node', 1), col('Readiness Gates', 1)],
    row: (p, now) => [p.metadata.name ?? '', ...podCells(p, now), age(p.metadata.creationTimestamp, now), ...podWideCells(p)],
  },
  Namespace: {
    columns: [nameCol, col('Status'), ageCol],
    row: (n, now) => [n.metadata.name ?? '', str(get(n, 'status', 'phase'), ''), age(n.metadata.creationTimestamp, now)],
  },
  ConfigMap: {
    columns: [nameCol, col('Data'), ageCol],
    row: (c, now) => [c.metadata.name ?? '', count(c.data) + count(c.binaryData), age(c.metadata.creationTimestamp, now)],
  },
  Secret: {
    columns: [nameCol, col('Type'), col('Data'), ageCol],
    row: (s, now) => [s.metadata.name ?? '', str(s.type, ''), count(s.data), age(s.metadata.creationTimestamp, now)],
  },
  Service: {
    columns: [nameCol, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), ageCol, col('Selector', 1)],
    row: (s, now) => [s.metadata.name ?? '', str(get(s, 'spec', 'type'), ''), str(arr(get(s, 'spec', 'clusterIPs'))[0], str(get(s, 'spec', 'clusterIP'))), serviceExternalIP(s), servicePorts(s), age(s.metadata.creationTimestamp, now), formatLabels(get(s, 'spec', 'selector'))],
  },
  Endpoints: {
    columns: [nameCol, col('Endpoints'), ageCol],
    row: (e, now) => [e.metadata.name ?? '', endpointsList(e), age(e.metadata.creationTimestamp, now)],
  },
  Node: {
    columns: [nameCol, col('Status'), col('Roles'), ageCol, col('Version'), col('Internal-IP', 1), col('External-IP', 1), col('OS-Image', 1), col('Kernel-Version', 1), col('Container-Runtime', 1)],
    row: (n, now) => {
      const addr = (t: string) => str(get(arr(get(n, 'status', 'addresses')).find((a) => get(a, 'type') === t), 'address'));
      const info = (k: string) => str(get(n, 'status', 'nodeInfo', k), '<unknown>');
      return [n.metadata.name ?? '', nodeStatus(n), nodeRoles(n), age(n.metadata.creationTimestamp, now), str(get(n, 'status', 'nodeInfo', 'kubeletVersion'), ''), addr('InternalIP'), addr('ExternalIP'), info('osImage'), info('kernelVersion'), info('containerRuntimeVersion')];
    },
  },
  Event: {
    columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Subobject', 1), col('Source', 1), col('Message'), col('First Seen', 1), col('Count', 1), { ...nameCol, priority: 1 }],
    // Upstream prints both Event versions from the core form (its printEvent).
    row: (ev, now) => {
      const e = ev.apiVersion === 'events.k8s.io/v1' ? eventToCore(ev) : ev;
      const since = (t: unknown) => (typeof t === 'string' && t ? age(t, now) : '<unknown>');
      const first = e.firstTimestamp ? since(e.firstTimestamp) : since(e.eventTime);
      let last = e.lastTimestamp ? since(e.lastTimestamp) : first;
      let n = typeof e.count === 'number' ? e.count : 0;
      const series = get(e, 'series');
      if (series && typeof series === 'object') {
        last = since(get(series, 'lastObservedTime'));
        n = Number(get(series, 'count') ?? 0);
      } else if (n === 0) n = 1;
      const io = e.involvedObject;
      const kind = str(get(io, 'kind'), '').toLowerCase();
      const name = str(get(io, 'name'), '');
      const component = str(get(e, 'source', 'component'), str(e.reportingComponent, ''));
      const host = str(get(e, 'source', 'host'), str(e.reportingInstance, ''));
      const message = str(e.message, '').trim();
      return [last, str(e.type, ''), str(e.reason, ''), name ? `${kind}/${name}` : kind, str(get(io, 'fieldPath'), ''), host ? `${component}, ${host}` : component, message, first, n, e.metadata.name ?? ''];
    },
  },
  ServiceAccount: {
    columns: [nameCol, col('Secrets'), ageCol],
    row: (s, now) => [s.metadata.name ?? '', arr(s.secrets).length, age(s.metadata.creationTimestamp, now)],
  },
  ReplicationController: {
    columns: [nameCol, col('Desired', 0, 'integer'), col('Current', 0, 'integer'), col('Ready', 0, 'integer'), ageCol, col('Containers', 1), col('Images', 1), col('Selector', 1)],
    row: (r, now) => {
      const cs = arr(get(r, 'spec', 'template', 'spec', 'containers'));
      return [r.metadata.name ?? '', Number(get(r, 'spec', 'replicas') ?? 1), Number(get(r, 'status', 'replicas') ?? 0), Number(get(r, 'status', 'readyReplicas') ?? 0), age(r.metadata.creationTimestamp, now), cs.map((c) => str(get(c, 'name'))).join(','), cs.map((c) => str(get(c, 'image'))).join(','), formatLabels(get(r, 'spec', 'selector'))];
    },
  },
};

