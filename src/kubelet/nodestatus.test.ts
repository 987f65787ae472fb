import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Image } from './cri/types.js';
import type { MachineInfo, MachineStats } from './machine.js';
import { binaryQuantity, DEFAULT_EVICTION_HARD, nodeConditions, nodeImages, pressureOf, realNodeStatus, statusChanged } from './nodestatus.js';

const GiB = 1024 ** 3;
const machine: MachineInfo = { machineID: 'm-1', systemUUID: 'u-1', bootID: 'b-1', kernelVersion: '6.1.0-18-amd64', osImage: 'Debian GNU/Linux 12 (bookworm)', operatingSystem: 'linux', architecture: 'amd64', cpu: 4, memoryBytes: 16372436 * 1024 };
const fs = (capacityBytes: number, availableBytes: number) => ({ capacityBytes, availableBytes, inodes: 1000, inodesFree: 900 });
const healthy: MachineStats = { memoryAvailableBytes: 8 * GiB, nodefs: fs(100 * GiB, 60 * GiB), imagefs: fs(100 * GiB, 60 * GiB), maxPID: 32768, runningTasks: 95 };
const image = (size: number, tags: string[], digests: string[] = []): Image => ({ id: `sha256:${String(size)}`, repoTags: tags, repoDigests: digests, size: String(size), uid: null, username: '', spec: null, pinned: false });

test('pressure against the default hard thresholds: memory.available<100Mi, nodefs.available<10%, imagefs.available<15%, inodes<5%', () => {
  assert.deepEqual(pressureOf(healthy), { memory: false, disk: false, pid: false });
  assert.equal(pressureOf({ ...healthy, memoryAvailableBytes: 99 * 1024 * 1024 }).memory, true);
  assert.equal(pressureOf({ ...healthy, memoryAvailableBytes: 100 * 1024 * 1024 }).memory, false);
  assert.equal(pressureOf({ ...healthy, nodefs: fs(100 * GiB, 9 * GiB) }).disk, true);
  assert.equal(pressureOf({ ...healthy, imagefs: fs(100 * GiB, 14 * GiB) }).disk, true, 'imagefs keeps 15%');
  assert.equal(pressureOf({ ...healthy, imagefs: fs(100 * GiB, 16 * GiB) }).disk, false);
  assert.equal(pressureOf({ ...healthy, nodefs: { ...fs(100 * GiB, 60 * GiB), inodesFree: 40 } }).disk, true);
  // Upstream sets no pid.available by default; with one, the free PIDs count.
  assert.equal(pressureOf({ ...healthy, runningTasks: 32767 }).pid, false);
  assert.equal(pressureOf({ ...healthy, runningTasks: 32000 }, { ...DEFAULT_EVICTION_HARD, pidAvailable: 1000 }).pid, true);
});

test("conditions carry upstream's reasons and messages, Ready last, transition times kept while the status holds", () => {
  const t0 = Date.UTC(2026, 0, 1, 0, 0, 0);
  const first = nodeConditions(t0, { memory: false, disk: false, pid: false });
  assert.deepEqual(first.map((c) => [c.type, c.status, c.reason, c.message]), [
    ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
    ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
    ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
    ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
  ]);
  const later = nodeConditions(t0 + 60_000, { memory: true, disk: false, pid: false }, first);
  const mem = later.find((c) => c.type === 'MemoryPressure');
  assert.deepEqual([mem?.status, mem?.reason, mem?.message, mem?.lastTransitionTime], ['True', 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available', '2026-01-01T00:01:00Z']);
  const disk = later.find((c) => c.type === 'DiskPressure');
  assert.deepEqual([disk?.lastTransitionTime, disk?.lastHeartbeatTime], ['2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z']);
  const diskUp = nodeConditions(t0, { memory: false, disk: true, pid: true }).filter((c) => c.status === 'True').map((c) => c.reason);
  assert.deepEqual(diskUp, ['KubeletHasDiskPressure', 'KubeletHasInsufficientPID', 'KubeletReady']);
});

test('images: largest 50 first, digests before tags, at most 5 names each', () => {
  const many = Array.from({ length: 60 }, (_, i) => image((i + 1) * 1000, [`img:${String(i)}`]));
  const listed = nodeImages(many);
  assert.equal(listed.length, 50);
  assert.equal(listed[0]?.sizeBytes, 60_000);
  assert.equal(listed[49]?.sizeBytes, 11_000);
  const named = nodeImages([image(5, ['a:1', 'a:2', 'a:3', 'a:4'], ['a@sha256:1', 'a@sha256:2'])]);
  assert.deepEqual(named[0]?.names, ['a@sha256:1', 'a@sha256:2', 'a:1', 'a:2', 'a:3']);
});

test('quantities print as resource.Quantity does (largest binary suffix that divides)', () => {
  assert.equal(binaryQuantity(100 * 1024 * 1024), '100Mi');
  assert.equal(binaryQuantity(16372436 * 1024), '16372436Ki');
  assert.equal(binaryQuantity(1234), '1234');
  assert.equal(binaryQuantity(0), '0');
});

test('status: nodeInfo from the machine, allocatable = capacity less 100Mi memory and 10% of nodefs', () => {
  const s = realNodeStatus({ nodeName: 'n1', internalIP: '192.0.2.7', machine, stats: healthy, images: [image(10, ['busybox:1.36'], ['busybox@sha256:ab'])], runtimeVersion: 'containerd://1.7.24', kubeletVersion: 'v1.33.0+skiff', maxPods: 110 }, Date.UTC(2026, 0, 1));
  assert.deepEqual(s['capacity'], { cpu: '4', 'ephemeral-storage': '100Gi', memory: '16372436Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', pods: '110' });
  assert.deepEqual(s['allocatable'], { cpu: '4', 'ephemeral-storage': binaryQuantity(100 * GiB - Math.floor(10 * GiB)), memory: `${String(16372436 - 102400)}Ki`, 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', pods: '110' });
  assert.deepEqual(s['nodeInfo'], { machineID: 'm-1', systemUUID: 'u-1', bootID: 'b-1', kernelVersion: '6.1.0-18-amd64', osImage: 'Debian GNU/Linux 12 (bookworm)', containerRuntimeVersion: 'containerd://1.7.24', kubeletVersion: 'v1.33.0+skiff', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64' });
  assert.deepEqual(s['addresses'], [{ type: 'InternalIP', address: '192.0.2.7' }, { type: 'Hostname', address: 'n1' }]);
  assert.deepEqual(s['images'], [{ names: ['busybox@sha256:ab', 'busybox:1.36'], sizeBytes: 10 }]);
  // A later beat that only moves the heartbeats is no change; a new image is.
  const again = realNodeStatus({ nodeName: 'n1', internalIP: '192.0.2.7', machine, stats: healthy, images: [image(10, ['busybox:1.36'], ['busybox@sha256:ab'])], runtimeVersion: 'containerd://1.7.24', kubeletVersion: 'v1.33.0+skiff', maxPods: 110 }, Date.UTC(2026, 0, 1, 0, 0, 10), s.conditions);
  assert.equal(statusChanged(s, again), false);
  assert.equal(statusChanged(s, { ...again, images: [] }), true);
});
