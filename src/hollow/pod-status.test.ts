import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXIT_AFTER_ANNOTATION, EXIT_CODE_ANNOTATION } from './annotations.js';
import { normalizeImage, planPodStatus, sameJSON, terminatedStatus, type Pod, type PodStatus } from './pod-status.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const env = (s: number) => ({ now: T0 + s * 1000, hostIP: '192.168.1.5', podIP: '10.42.0.2', runtime: 'hollow' });

const pod = (extra: { annotations?: Record<string, string>; restartPolicy?: string; delay?: number } = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', uid: 'u1', ...(extra.annotations ? { annotations: extra.annotations } : {}) },
  spec: {
    nodeName: 'n1',
    restartPolicy: extra.restartPolicy ?? 'Always',
    containers: [{ name: 'app', image: 'nginx', ...(extra.delay !== undefined ? { readinessProbe: { initialDelaySeconds: extra.delay } } : {}) }, { name: 'side', image: 'ghcr.io/x/y:1' }],
  },
  status: { phase: 'Pending', qosClass: 'BestEffort', conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2024-12-31T23:59:59Z' }] },
});

const cond = (s: PodStatus | undefined, type: string) => s?.conditions?.find((c) => c.type === type);
const apply = (p: Pod, s: PodStatus | undefined): Pod => ({ ...p, ...(s ? { status: s } : {}) });

void test('a bound pod starts Running with IPs, start time and running containers; Ready at once without a probe', () => {
  const plan = planPodStatus(pod(), env(0));
  const s = plan.status;
  assert.ok(s);
  assert.equal(plan.recheckAt, undefined);
  assert.equal(s.phase, 'Running');
  assert.equal(s.qosClass, 'BestEffort');
  assert.deepEqual([s.hostIP, s.hostIPs, s.podIP, s.podIPs, s.startTime], ['192.168.1.5', [{ ip: '192.168.1.5' }], '10.42.0.2', [{ ip: '10.42.0.2' }], '2025-01-01T00:00:00Z']);
  assert.deepEqual(s.conditions?.map((c) => [c.type, c.status]), [['PodReadyToStartContainers', 'True'], ['Initialized', 'True'], ['Ready', 'True'], ['ContainersReady', 'True'], ['PodScheduled', 'True']]);
  assert.equal(cond(s, 'PodScheduled')?.lastTransitionTime, '2024-12-31T23:59:59Z');
  const app = s.containerStatuses?.[0];
  assert.ok(app);
  assert.deepEqual(app.state, { running: { startedAt: '2025-01-01T00:00:00Z' } });
  assert.deepEqual([app.ready, app.started, app.restartCount, app.image], [true, true, 0, 'docker.io/library/nginx:latest']);
  assert.match(app.containerID, /^hollow:\/\/[0-9a-f]{64}$/);
  assert.match(app.imageID, /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
  assert.equal(s.containerStatuses?.[1]?.image, 'ghcr.io/x/y:1');
  // Nothing more to say later.
  assert.deepEqual(planPodStatus(apply(pod(), s), env(100)), {});
});

void test('a readiness probe delays Ready by its initialDelaySeconds', () => {
  const first = planPodStatus(pod({ delay: 5 }), env(0));
  assert.equal(first.recheckAt, T0 + 5000);
  assert.deepEqual(cond(first.status, 'Ready'), { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]', lastProbeTime: null, lastTransitionTime: '2025-01-01T00:00:00Z' });
  assert.equal(cond(first.status, 'ContainersReady')?.reason, 'ContainersNotReady');
  const early = planPodStatus(apply(pod({ delay: 5 }), first.status), env(4));
  assert.deepEqual(early, { recheckAt: T0 + 5000 });
  const ready = planPodStatus(apply(pod({ delay: 5 }), first.status), env(5));
  assert.deepEqual(cond(ready.status, 'Ready'), { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2025-01-01T00:00:05Z' });
  assert.equal(cond(ready.status, 'Initialized')?.lastTransitionTime, '2025-01-01T00:00:00Z');
  assert.equal(ready.recheckAt, undefined);
});

void test('exit-after annotation: Never ends the pod with the exit code', () => {
  const p = pod({ restartPolicy: 'Never', annotations: { [EXIT_AFTER_ANNOTATION]: '3', [EXIT_CODE_ANNOTATION]: '2' } });
  const first = planPodStatus(p, env(0));
  assert.equal(first.recheckAt, T0 + 3000);
  const end = planPodStatus(apply(p, first.status), env(3));
  const ended = end.status?.containerStatuses?.[0]?.state.terminated;
  assert.equal(end.status?.phase, 'Failed');
  assert.deepEqual({ ...ended, containerID: '' }, { exitCode: 2, reason: 'Error', startedAt: '2025-01-01T00:00:00Z', finishedAt: '2025-01-01T00:00:03Z', containerID: '' });
  assert.deepEqual(end.status.conditions?.map((c) => [c.type, c.status, c.reason]), [['PodReadyToStartContainers', 'False', undefined], ['Initialized', 'True', undefined], ['Ready', 'False', 'PodFailed'], ['ContainersReady', 'False', 'PodFailed'], ['PodScheduled', 'True', undefined]]);
  assert.deepEqual(planPodStatus(apply(p, end.status), env(10)), {});
  const ok = pod({ restartPolicy: 'OnFailure', annotations: { [EXIT_AFTER_ANNOTATION]: '1' } });
  const done = planPodStatus(apply(ok, planPodStatus(ok, env(0)).status), env(1)).status;
  assert.equal(cond(done, 'Initialized')?.reason, 'PodCompleted');
  assert.equal(cond(done, 'Ready')?.reason, 'PodCompleted');
  assert.equal(done?.containerStatuses?.[0]?.state.terminated?.reason, 'Completed');
  assert.equal(done.phase, 'Succeeded');
});

void test('exit-after annotation with a restarting policy restarts the containers', () => {
  const p = pod({ restartPolicy: 'OnFailure', annotations: { [EXIT_AFTER_ANNOTATION]: '2', [EXIT_CODE_ANNOTATION]: '1' } });
  const first = planPodStatus(p, env(0));
  const again = planPodStatus(apply(p, first.status), env(2));
  const app = again.status?.containerStatuses?.[0];
  assert.ok(app);
  assert.equal(again.status.phase, 'Running');
  assert.equal(app.restartCount, 1);
  assert.deepEqual(app.state, { running: { startedAt: '2025-01-01T00:00:02Z' } });
  assert.equal(app.lastState.terminated?.exitCode, 1);
  assert.notEqual(app.containerID, first.status?.containerStatuses?.[0]?.containerID);
  assert.equal(again.recheckAt, T0 + 4000);
});

void test('termination: killed at the end of the grace period (137, Failed) or exited by itself (0, Succeeded)', () => {
  const running = apply(pod(), planPodStatus(pod(), env(0)).status);
  const killed = terminatedStatus(running, T0 + 30_000, true);
  assert.equal(killed.phase, 'Failed');
  assert.equal(killed.containerStatuses?.[0]?.state.terminated?.exitCode, 137);
  assert.equal(cond(killed, 'Ready')?.status, 'False');
  const exited = terminatedStatus(running, T0 + 1000, false);
  assert.equal(exited.phase, 'Succeeded');
  assert.equal(exited.containerStatuses?.[1]?.state.terminated?.reason, 'Completed');
});

void test('images are named as containerd names them; JSON equality ignores key order and nulls', () => {
  assert.equal(normalizeImage('busybox:1.36'), 'docker.io/library/busybox:1.36');
  assert.equal(normalizeImage('bitnami/redis'), 'docker.io/bitnami/redis:latest');
  assert.equal(normalizeImage('localhost:5000/x'), 'localhost:5000/x:latest');
  assert.equal(normalizeImage('registry.k8s.io/pause@sha256:abc'), 'registry.k8s.io/pause@sha256:abc');
  assert.ok(sameJSON({ a: 1, b: [{ c: null, d: 2 }] }, { b: [{ d: 2 }], a: 1 }));
  assert.ok(!sameJSON({ a: [1, 2] }, { a: [2, 1] }));
});
