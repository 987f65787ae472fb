import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerStatus as CriContainerStatus } from '../cri/types.js';
import { buildPodStatus, type Observed } from './status.js';
import type { Pod } from './types.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const ns = (s: number) => String(BigInt(T0 + s * 1000) * 1_000_000n);

const pod = (restartPolicy: string, init = false): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', uid: 'u1' },
  spec: {
    nodeName: 'n1', restartPolicy,
    ...(init ? { initContainers: [{ name: 'setup', image: 'busybox:1' }] } : {}),
    containers: [{ name: 'main', image: 'busybox:1' }],
  },
  status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2024-12-31T23:59:59Z' }] },
});

/** A CRI container status: running from 1 s, or exited at 2 s with `exitCode`. */
const cri = (id: string, attempt: number, exitCode?: number): CriContainerStatus => ({
  id, metadata: { name: 'main', attempt }, state: exitCode === undefined ? 'CONTAINER_RUNNING' : 'CONTAINER_EXITED',
  createdAt: ns(0), startedAt: ns(1), finishedAt: exitCode === undefined ? '0' : ns(2), exitCode: exitCode ?? 0,
  image: { image: 'docker.io/library/busybox:1', annotations: {}, userSpecifiedImage: '' }, imageRef: 'sha256:abc',
  reason: '', message: '', labels: {}, annotations: {}, logPath: '', imageId: '',
});

const build = (p: Pod, app: Record<string, Observed>, init: Record<string, Observed> = {}) =>
  buildPodStatus(p, { now: T0 + 5000, hostIP: '192.0.2.2', podIP: '10.42.0.7', init: new Map(Object.entries(init)), app: new Map(Object.entries(app)) });

void test('a running container makes the pod Running and Ready, with IPs, start time and the runtime\'s ids', () => {
  const s = build(pod('Always'), { main: { latest: cri('c1', 0) } });
  assert.equal(s.phase, 'Running');
  assert.deepEqual([s.hostIP, s.podIP, s.podIPs, s.startTime], ['192.0.2.2', '10.42.0.7', [{ ip: '10.42.0.7' }], '2025-01-01T00:00:05Z']);
  assert.deepEqual(s.conditions?.map((c) => `${c.type}=${c.status}`), ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
  assert.deepEqual(s.containerStatuses, [{
    name: 'main', state: { running: { startedAt: '2025-01-01T00:00:01Z' } }, lastState: {}, ready: true, restartCount: 0,
    image: 'docker.io/library/busybox:1', imageID: 'sha256:abc', containerID: 'containerd://c1', started: true,
  }]);
});

void test('before its container exists the pod is Pending, the container waiting as ContainerCreating or with the start error', () => {
  assert.deepEqual(build(pod('Always'), {}).containerStatuses?.[0]?.state, { waiting: { reason: 'ContainerCreating' } });
  const s = build(pod('Always'), { main: { waiting: { reason: 'ErrImagePull', message: 'no network' } } });
  assert.equal(s.phase, 'Pending');
  assert.deepEqual(s.containerStatuses?.[0]?.state, { waiting: { reason: 'ErrImagePull', message: 'no network' } });
  assert.equal(s.containerStatuses[0].image, 'docker.io/library/busybox:1');
  assert.equal(s.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
});

void test('restartPolicy Never: exit 0 succeeds (Completed), non-zero fails (Error)', () => {
  const ok = build(pod('Never'), { main: { latest: cri('c1', 0, 0) } });
  assert.equal(ok.phase, 'Succeeded');
  assert.deepEqual(ok.containerStatuses?.[0]?.state, { terminated: { exitCode: 0, reason: 'Completed', startedAt: '2025-01-01T00:00:01Z', finishedAt: '2025-01-01T00:00:02Z', containerID: 'containerd://c1' } });
  const failed = build(pod('Never'), { main: { latest: cri('c1', 0, 2) } });
  assert.equal(failed.phase, 'Failed');
  assert.equal(failed.containerStatuses?.[0]?.state.terminated?.reason, 'Error');
  assert.equal(build(pod('OnFailure'), { main: { latest: cri('c1', 0, 0) } }).phase, 'Succeeded');
});

void test('a container backing off is waiting (CrashLoopBackOff) with its exit as lastState, and the pod stays Running', () => {
  const s = build(pod('Always'), { main: { latest: cri('c2', 1, 3), waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s' } } });
  assert.equal(s.phase, 'Running');
  const c = s.containerStatuses?.[0];
  assert.deepEqual(c?.state, { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s' } });
  assert.equal(c.lastState.terminated?.exitCode, 3);
  assert.equal(c.restartCount, 1);
  assert.equal(c.ready, false);
});

void test('a restarted container reports the previous instance as lastState and counts the restart', () => {
  const c = build(pod('Always'), { main: { latest: cri('c2', 1), previous: cri('c1', 0, 137) } }).containerStatuses?.[0];
  assert.ok(c?.state.running);
  assert.equal(c.restartCount, 1);
  assert.equal(c.lastState.terminated?.containerID, 'containerd://c1');
});

void test('until its init containers are done the pod is Pending, not Initialized, its app containers PodInitializing', () => {
  const s = build(pod('Always', true), {}, { setup: { latest: { ...cri('i1', 0), metadata: { name: 'setup', attempt: 0 } } } });
  assert.equal(s.phase, 'Pending');
  const initialized = s.conditions?.find((c) => c.type === 'Initialized');
  assert.deepEqual([initialized?.status, initialized?.reason, initialized?.message], ['False', 'ContainersNotInitialized', 'containers with incomplete status: [setup]']);
  assert.deepEqual(s.initContainerStatuses?.[0]?.state, { running: { startedAt: '2025-01-01T00:00:01Z' } });
  assert.deepEqual(s.containerStatuses?.[0]?.state, { waiting: { reason: 'PodInitializing' } });
  // An init container failing under restartPolicy Never fails the pod.
  assert.equal(build(pod('Never', true), {}, { setup: { latest: cri('i1', 0, 1) } }).phase, 'Failed');
  const done = build(pod('Always', true), { main: { latest: cri('c1', 0) } }, { setup: { latest: cri('i1', 0, 0) } });
  assert.equal(done.phase, 'Running');
  assert.equal(done.conditions?.find((c) => c.type === 'Initialized')?.status, 'True');
});

void test('once a deleted pod\'s containers are stopped its phase is final whatever the restart policy', () => {
  const killed = buildPodStatus(pod('Always'), { now: T0, hostIP: '192.0.2.2', init: new Map(), app: new Map([['main', { latest: cri('c1', 0, 137) }]]), stopped: true });
  assert.equal(killed.phase, 'Failed');
  assert.equal(killed.containerStatuses?.[0]?.state.terminated?.exitCode, 137);
  assert.equal(killed.conditions?.find((c) => c.type === 'Ready')?.reason, 'PodFailed');
  const clean = buildPodStatus(pod('Always'), { now: T0, hostIP: '192.0.2.2', init: new Map(), app: new Map([['main', { latest: cri('c1', 0, 0) }]]), stopped: true });
  assert.equal(clean.phase, 'Succeeded');
});
