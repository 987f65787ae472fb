import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/meta.js';
import { corePrinters } from './core.js';

const now = new Date('2026-01-01T00:10:00Z');
const created = '2026-01-01T00:00:00Z';
const obj = (kind: string, fields: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind, metadata: { name: 'x', namespace: 'ns', creationTimestamp: created, ...meta }, ...fields });
const row = (o: KubeObject) => corePrinters[o.kind]?.row(o, now);
const running = (name: string, extra: Record<string, unknown> = {}) => ({ name, ready: true, restartCount: 0, state: { running: { startedAt: created } }, ...extra });
const containers = (...names: string[]) => names.map((name) => ({ name, image: 'busybox' }));

void test('pod status: the first container\'s state wins, as upstream reads them last to first', () => {
  const pod = obj('Pod', {
    spec: { containers: containers('a', 'b') },
    status: { phase: 'Pending', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } }, { name: 'b', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] },
  });
  assert.deepEqual(row(pod)?.slice(1, 4), ['0/2', 'ImagePullBackOff', '0']);
});

void test('pod status: init containers, exit codes, restarts with the time of the last one', () => {
  const init = obj('Pod', {
    spec: { initContainers: containers('i1', 'i2'), containers: containers('a') },
    status: { phase: 'Pending', initContainerStatuses: [{ name: 'i1', restartCount: 0, state: { terminated: { exitCode: 0 } } }, { name: 'i2', restartCount: 0, state: { running: {} } }] },
  });
  assert.deepEqual(row(init)?.slice(1, 4), ['0/1', 'Init:1/2', '0']);
  const crash = obj('Pod', {
    spec: { containers: containers('a') },
    status: { phase: 'Running', containerStatuses: [{ name: 'a', ready: false, restartCount: 3, state: { terminated: { exitCode: 2 } }, lastState: { terminated: { finishedAt: '2026-01-01T00:05:00Z' } } }] },
  });
  assert.deepEqual(row(crash)?.slice(1, 4), ['0/1', 'ExitCode:2', '3 (5m ago)']);
  const ok = obj('Pod', { spec: { containers: containers('a', 'b') }, status: { phase: 'Running', containerStatuses: [running('a'), running('b', { ready: false })] } });
  assert.deepEqual(row(ok)?.slice(1, 4), ['1/2', 'Running', '0']);
});

void test('pod status: a restartable init container counts as a container; deletion shows Terminating unless finished', () => {
  const sidecar = obj('Pod', {
    spec: { initContainers: [{ name: 's', image: 'busybox', restartPolicy: 'Always' }], containers: containers('a') },
    status: { phase: 'Running', conditions: [{ type: 'Initialized', status: 'True' }], initContainerStatuses: [{ name: 's', ready: true, started: true, restartCount: 0, state: { running: {} } }], containerStatuses: [running('a')] },
  });
  assert.deepEqual(row(sidecar)?.slice(1, 3), ['2/2', 'Running']);
  const deleting = (phase: string) => obj('Pod', { spec: { containers: containers('a') }, status: { phase } }, { deletionTimestamp: created });
  assert.equal(row(deleting('Running'))?.[2], 'Terminating');
  assert.equal(row(deleting('Succeeded'))?.[2], 'Succeeded');
  const gated = obj('Pod', { spec: { containers: containers('a') }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } });
  assert.equal(row(gated)?.[2], 'SchedulingGated');
});

void test('service: external IP by type, selector sorted by key', () => {
  const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) => obj('Service', { spec: { clusterIP: '10.43.0.9', clusterIPs: ['10.43.0.9'], ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }], ...spec }, status });
  assert.deepEqual(row(svc({ type: 'NodePort', selector: { tier: 'web', app: 'shop' } })), ['x', 'NodePort', '10.43.0.9', '<none>', '80:30080/TCP', '10m', 'app=shop,tier=web']);
  assert.equal(row(svc({ type: 'LoadBalancer' }))?.[3], '<pending>');
  assert.equal(row(svc({ type: 'LoadBalancer', externalIPs: ['1.2.3.4'] }, { loadBalancer: { ingress: [{ ip: '9.9.9.9' }, { hostname: 'a.example.com' }] } }))?.[3], '9.9.9.9,a.example.com,1.2.3.4');
  assert.equal(row(svc({ type: 'ClusterIP', externalIPs: ['1.2.3.4'] }, { loadBalancer: { ingress: [{ ip: '9.9.9.9' }] } }))?.[3], '1.2.3.4');
  assert.equal(row(svc({ type: 'ExternalName', externalName: 'db.example.com', clusterIPs: undefined, clusterIP: undefined, ports: [] }))?.slice(2, 5).join(' '), '<none> db.example.com <none>');
});

void test('node: roles sorted (and kubernetes.io/role), empty version stays empty', () => {
  const node = obj('Node', { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, { namespace: undefined, labels: { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'edge' } });
  assert.deepEqual(row(node)?.slice(0, 5), ['x', 'Ready', 'control-plane,edge,worker', '10m', '']);
});

void test('event: last seen falls back to first, count defaults to 1, source with host, message trimmed', () => {
  const e = obj('Event', { involvedObject: { kind: 'Pod', name: 'web' }, type: 'Normal', reason: 'Pulled', message: ' done \n', firstTimestamp: '2026-01-01T00:08:00Z', source: { component: 'kubelet', host: 'n1' } });
  assert.deepEqual(row(e), ['2m', 'Normal', 'Pulled', 'pod/web', '', 'kubelet, n1', 'done', '2m', 1, 'x']);
  const series = obj('Event', { involvedObject: { kind: 'Node' }, eventTime: '2026-01-01T00:01:00.000000Z', series: { count: 4, lastObservedTime: '2026-01-01T00:09:00.000000Z' }, reportingComponent: 'c' });
  assert.deepEqual(row(series)?.slice(0, 6), ['60s', '', '', 'node', '', 'c']);
  assert.equal(row(series)?.[8], 4);
});

void test('replication controller selector is sorted by key', () => {
  const rc = obj('ReplicationController', { spec: { replicas: 2, selector: { tier: 'db', app: 'shop' }, template: { spec: { containers: containers('a') } } } });
  assert.equal(row(rc)?.at(-1), 'app=shop,tier=db');
});

void test('endpoints: ports outer, addresses inner, as upstream\'s formatEndpoints; <none> without subsets', () => {
  const ep = obj('Endpoints', { subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }, { port: 90 }] }] });
  assert.equal(row(ep)?.[1], '10.0.0.1:80,10.0.0.2:80,10.0.0.1:90 + 1 more...');
  assert.equal(row(obj('Endpoints', { subsets: [{ addresses: [{ ip: 'fd00::1' }] , ports: [{ port: 80 }] }] }))?.[1], '[fd00::1]:80');
  assert.equal(row(obj('Endpoints', { subsets: [{ addresses: [{ ip: '10.0.0.1' }] }] }))?.[1], '10.0.0.1');
  assert.equal(row(obj('Endpoints', {}))?.[1], '<none>');
  assert.equal(row(obj('Endpoints', { subsets: [{ notReadyAddresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] }))?.[1], '');
});
