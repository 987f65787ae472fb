import type { KubeObject } from '../../api/meta.js';
import { eventToCore } from '../../api/events/index.js';
import { age, ageCol, arr, col, count, get, nameCol, str, type Printer } from './helpers.js';

function podStatus(pod: KubeObject): string {
  let reason = str(get(pod, 'status', 'reason'), str(get(pod, 'status', 'phase'), 'Pending'));
  for (const c of arr(get(pod, 'status', 'containerStatuses'))) {
    const waiting = str(get(c, 'state', 'waiting', 'reason'), '');
    const terminated = str(get(c, 'state', 'terminated', 'reason'), '');
    if (waiting) reason = waiting;
    else if (terminated) reason = terminated;
  }
  if (pod.metadata.deletionTimestamp) reason = 'Terminating';
  return reason;
}

function servicePorts(svc: KubeObject): string {
  const ports = arr(get(svc, 'spec', 'ports')).map((p) => {
    const n = get(p, 'port');
    const port = typeof n === 'number' ? String(n) : '<unknown>';
    const node = get(p, 'nodePort');
    return `${port}${typeof node === 'number' ? `:${node}` : ''}/${str(get(p, 'protocol'), 'TCP')}`;
  });
  return ports.length ? ports.join(',') : '<none>';
}

function endpointsList(ep: KubeObject): string {
  const out: string[] = [];
  for (const s of arr(get(ep, 'subsets')))
    for (const a of arr(get(s, 'addresses'))) {
      const ports = arr(get(s, 'ports'));
      if (ports.length === 0) out.push(str(get(a, 'ip')));
      for (const p of ports) out.push(`${str(get(a, 'ip'))}:${String(get(p, 'port'))}`);
    }
  if (out.length === 0) return '<none>';
  return out.length > 3 ? `${out.slice(0, 3).join(',')} + ${out.length - 3} more...` : out.join(',');
}

function nodeStatus(node: KubeObject): string {
  const ready = arr(get(node, 'status', 'conditions')).find((c) => get(c, 'type') === 'Ready');
  const s = ready === undefined ? 'Unknown' : get(ready, 'status') === 'True' ? 'Ready' : 'NotReady';
  return get(node, 'spec', 'unschedulable') === true ? `${s},SchedulingDisabled` : s;
}

const selector = (v: unknown) => {
  const entries = v && typeof v === 'object' ? Object.entries(v as Record<string, string>) : [];
  return entries.length ? entries.map(([k, x]) => `${k}=${x}`).join(',') : '<none>';
};

/** Printers of the core/v1 kinds, by kind. */
export const corePrinters: Record<string, Printer> = {
  Pod: {
    columns: [nameCol, col('Ready'), col('Status'), col('Restarts', 0, 'string'), ageCol, col('IP', 1), col('Node', 1), col('Nominated Node', 1), col('Readiness Gates', 1)],
    row: (p, now) => {
      const statuses = arr(get(p, 'status', 'containerStatuses'));
      const total = arr(get(p, 'spec', 'containers')).length;
      const ready = statuses.filter((c) => get(c, 'ready') === true).length;
      const restarts = statuses.reduce((n, c) => n + Number(get(c, 'restartCount') ?? 0), 0);
      const gates = arr(get(p, 'spec', 'readinessGates'));
      return [p.metadata.name ?? '', `${ready}/${total}`, podStatus(p), restarts, age(p.metadata.creationTimestamp, now), str(get(p, 'status', 'podIP')), str(get(p, 'spec', 'nodeName')), str(get(p, 'status', 'nominatedNodeName')), gates.length ? `0/${gates.length}` : '<none>'];
    },
  },
  Namespace: {
    columns: [nameCol, col('Status'), ageCol],
    row: (n, now) => [n.metadata.name ?? '', str(get(n, 'status', 'phase'), 'Active'), age(n.metadata.creationTimestamp, now)],
  },
  ConfigMap: {
    columns: [nameCol, col('Data', 0, 'integer'), ageCol],
    row: (c, now) => [c.metadata.name ?? '', count(c.data) + count(c.binaryData), age(c.metadata.creationTimestamp, now)],
  },
  Secret: {
    columns: [nameCol, col('Type'), col('Data', 0, 'integer'), ageCol],
    row: (s, now) => [s.metadata.name ?? '', str(s.type, 'Opaque'), count(s.data), age(s.metadata.creationTimestamp, now)],
  },
  Service: {
    columns: [nameCol, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), ageCol, col('Selector', 1)],
    row: (s, now) => {
      const type = str(get(s, 'spec', 'type'), 'ClusterIP');
      const lb = arr(get(s, 'status', 'loadBalancer', 'ingress')).map((i) => str(get(i, 'ip'), str(get(i, 'hostname'), '')));
      const ext = arr(get(s, 'spec', 'externalIPs')).map(String);
      const external = type === 'ExternalName' ? str(get(s, 'spec', 'externalName')) : [...lb, ...ext].join(',') || (type === 'LoadBalancer' ? '<pending>' : '<none>');
      return [s.metadata.name ?? '', type, str(get(s, 'spec', 'clusterIP')), external, servicePorts(s), age(s.metadata.creationTimestamp, now), selector(get(s, 'spec', 'selector'))];
    },
  },
  Endpoints: {
    columns: [nameCol, col('Endpoints'), ageCol],
    row: (e, now) => [e.metadata.name ?? '', endpointsList(e), age(e.metadata.creationTimestamp, now)],
  },
  Node: {
    columns: [nameCol, col('Status'), col('Roles'), ageCol, col('Version'), col('Internal-IP', 1), col('External-IP', 1), col('OS-Image', 1), col('Kernel-Version', 1), col('Container-Runtime', 1)],
    row: (n, now) => {
      const roles = Object.keys(n.metadata.labels ?? {}).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.slice(24));
      const addr = (t: string) => str(get(arr(get(n, 'status', 'addresses')).find((a) => get(a, 'type') === t), 'address'));
      const info = (k: string) => str(get(n, 'status', 'nodeInfo', k), '<unknown>');
      return [n.metadata.name ?? '', nodeStatus(n), roles.join(',') || '<none>', age(n.metadata.creationTimestamp, now), info('kubeletVersion'), addr('InternalIP'), addr('ExternalIP'), info('osImage'), info('kernelVersion'), info('containerRuntimeVersion')];
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
    columns: [nameCol, col('Secrets', 0, 'integer'), ageCol],
    row: (s, now) => [s.metadata.name ?? '', arr(s.secrets).length, age(s.metadata.creationTimestamp, now)],
  },
  ReplicationController: {
    columns: [nameCol, col('Desired', 0, 'integer'), col('Current', 0, 'integer'), col('Ready', 0, 'integer'), ageCol, col('Containers', 1), col('Images', 1), col('Selector', 1)],
    row: (r, now) => {
      const cs = arr(get(r, 'spec', 'template', 'spec', 'containers'));
      return [r.metadata.name ?? '', Number(get(r, 'spec', 'replicas') ?? 1), Number(get(r, 'status', 'replicas') ?? 0), Number(get(r, 'status', 'readyReplicas') ?? 0), age(r.metadata.creationTimestamp, now), cs.map((c) => str(get(c, 'name'))).join(','), cs.map((c) => str(get(c, 'image'))).join(','), selector(get(r, 'spec', 'selector'))];
    },
  },
};

