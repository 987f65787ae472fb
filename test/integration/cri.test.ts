// Real containers through containerd's CRI, started by skiff's supervisor.
// Needs root, containerd, runc, the CNI plugins and busybox-static; skipped
// without them, except under CI=true, where .ci/run installs them and a
// missing piece is a failure. No packet leaves the machine or reaches a pod.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isCriNotFound } from '../../src/kubelet/cri/errors.js';
import type { PodSandboxConfig } from '../../src/kubelet/cri/types.js';
import { skipWithoutRuntime, startTestRuntime } from '../support/containerd.js';

/** Poll `check` (at most `attempts` × 100 ms) until it returns a value. */
async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined, attempts = 100): Promise<T> {
  for (let i = 0; ; i++) {
    const v = await check();
    if (v !== undefined) return v;
    if (i >= attempts) throw new Error(`gave up waiting for ${what}`);
    await sleep(100);
  }
}


test('a pod sandbox and a busybox container run, exec and go away through CRI on a supervised containerd', async (t) => {
  if (skipWithoutRuntime(t)) return;
  const rt = await startTestRuntime();
  try {
    const { cri } = rt;
    const version = await cri.version();
    assert.equal(version.runtimeName, 'containerd');
    assert.equal(version.runtimeApiVersion, 'v1');

    const image = await cri.imageStatus({ image: rt.image });
    assert.ok(image, 'the imported image is known to CRI');
    assert.deepEqual(image.repoTags, [rt.image]);
    assert.ok(Number(image.size) > 1_000_000, `busybox is in the image (size ${image.size})`);
    assert.equal(await cri.imageStatus({ image: 'docker.io/library/absent:1' }), undefined);

    const uid = randomUUID();
    const sandboxConfig: PodSandboxConfig = {
      metadata: { name: 'cri-test', uid, namespace: 'default', attempt: 0 },
      hostname: 'cri-test',
      logDirectory: join(rt.root, 'pods', uid),
      labels: { 'io.kubernetes.pod.uid': uid },
      linux: { cgroupParent: rt.cgroupParent, securityContext: { namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
    };
    const sandboxId = await cri.runPodSandbox(sandboxConfig);
    const sandbox = (await cri.podSandboxStatus(sandboxId)).status;
    assert.ok(sandbox);
    assert.equal(sandbox.state, 'SANDBOX_READY');
    assert.equal(sandbox.metadata?.uid, uid);
    const ip = sandbox.network?.ip ?? '';
    assert.ok(ip.startsWith(rt.subnet.slice(0, rt.subnet.lastIndexOf('.') + 1)), `pod IP ${ip} from the CNI network ${rt.subnet}`);
    assert.deepEqual((await cri.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': uid } })).map((s) => s.id), [sandboxId]);
    // The sandbox runs the image's own command (a pause image's entrypoint).
    const info = JSON.parse((await cri.podSandboxStatus(sandboxId, true)).info['info'] ?? '{}') as { runtimeSpec?: { process?: { args?: string[] } } };
    assert.deepEqual(info.runtimeSpec?.process?.args, ['/bin/sleep', '2147483647']);

    const containerId = await cri.createContainer(sandboxId, {
      metadata: { name: 'main', attempt: 0 },
      image: { image: rt.image },
      command: ['sh', '-c', 'echo hello; sleep 30'],
      logPath: 'main/0.log',
    }, sandboxConfig);
    assert.equal((await cri.containerStatus(containerId)).status?.state, 'CONTAINER_CREATED');
    await cri.startContainer(containerId);
    const running = (await cri.containerStatus(containerId)).status;
    assert.ok(running);
    assert.equal(running.state, 'CONTAINER_RUNNING');
    assert.equal(running.metadata?.name, 'main');
    assert.notEqual(running.startedAt, '0');
    assert.deepEqual((await cri.listContainers({ podSandboxId: sandboxId })).map((c) => c.id), [containerId]);

    const exec = await cri.execSync(containerId, ['echo', 'hi'], 10);
    assert.equal(exec.stdout.toString(), 'hi\n');
    assert.equal(exec.exitCode, 0);
    const failing = await cri.execSync(containerId, ['sh', '-c', 'echo oops >&2; exit 3'], 10);
    assert.equal(failing.stderr.toString(), 'oops\n');
    assert.equal(failing.exitCode, 3);

    // CRI's log format: "<RFC3339Nano> stdout F hello".
    const logFile = join(rt.root, 'pods', uid, 'main', '0.log');
    const line = await eventually('the container log', () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').find((l) => l.endsWith(' stdout F hello')) : undefined), 50);
    assert.match(line, /^\d{4}-\d\d-\d\dT\S+ stdout F hello$/);

    // Supervision: a killed containerd is started again, and the container
    // (whose shim outlives containerd) still runs and answers.
    const pid = rt.containerd.pid();
    assert.ok(pid !== undefined);
    process.kill(pid, 'SIGKILL');
    await eventually('containerd restarted', () => (rt.containerd.restarts() === 1 ? true : undefined));
    assert.notEqual(rt.containerd.pid(), pid);
    assert.equal((await cri.version()).runtimeName, 'containerd');
    assert.equal((await cri.containerStatus(containerId)).status?.state, 'CONTAINER_RUNNING');
    assert.equal((await cri.execSync(containerId, ['echo', 'still here'], 10)).stdout.toString(), 'still here\n');

    await cri.stopContainer(containerId, 1);
    const exited = (await cri.containerStatus(containerId)).status;
    assert.ok(exited);
    assert.equal(exited.state, 'CONTAINER_EXITED');
    assert.notEqual(exited.finishedAt, '0');
    await cri.removeContainer(containerId);
    await assert.rejects(cri.containerStatus(containerId), (err) => isCriNotFound(err));

    await cri.stopPodSandbox(sandboxId);
    assert.equal((await cri.podSandboxStatus(sandboxId)).status?.state, 'SANDBOX_NOTREADY');
    await cri.removePodSandbox(sandboxId);
    assert.deepEqual(await cri.listPodSandbox(), []);
    await assert.rejects(cri.podSandboxStatus(sandboxId), (err) => isCriNotFound(err));

  } finally {
    await rt.cleanup();
  }
  assert.equal(rt.containerd.pid(), undefined, 'containerd stopped');
  assert.equal(existsSync(rt.root), false, 'temp dir removed');
  assert.equal(readFileSync('/proc/mounts', 'utf8').includes(rt.root), false, 'nothing left mounted');
});
