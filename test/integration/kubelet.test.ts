// The kubelet on a real containerd: pods bound to its node run as
// containers. Needs root, containerd, runc, the CNI plugins and
// busybox-static; skipped without them, except under CI=true (see
// cri.test.ts). No packet is sent to a pod.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { events, nodes, pods } from '../../src/api/core/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { Client, credentialsFromKubeconfig, Informer, isNotFound, sleep } from '../../src/client/index.js';
import { runKubelet } from '../../src/kubelet/kubelet.js';
import { podLogDirectory } from '../../src/kubelet/pod/sandbox.js';
import type { Pod } from '../../src/kubelet/pod/types.js';
import { startTestAPIServer } from '../support/apiserver.js';
import { skipWithoutRuntime, startTestRuntime } from '../support/containerd.js';

const NODE = 'kubelet-test-node';

/** Poll `check` every 100 ms (at most 60 s) until it returns a value. */
async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (let i = 0; ; i++) {
    const v = await check();
    if (v !== undefined) return v;
    if (i >= 600) throw new Error(`gave up waiting for ${what}`);
    await sleep(100);
  }
}

const podObject = (name: string, command: string[], restartPolicy = 'Always', extra: { image?: string; init?: string[] } = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: {
    nodeName: NODE, restartPolicy, terminationGracePeriodSeconds: 2,
    ...(extra.init ? { initContainers: [{ name: 'setup', image: 'busybox:test', command: extra.init }] } : {}),
    containers: [{ name: 'main', image: extra.image ?? 'busybox:test', command }],
  },
});

test('the kubelet runs pods bound to its node as containers, reports their status and removes them on deletion', async (t) => {
  if (skipWithoutRuntime(t)) return;
  const api = await startTestAPIServer();
  const client = new Client(credentialsFromKubeconfig(api.kubeconfig));
  let abort = new AbortController();
  let kubelet: Promise<void> | undefined;
  const rt = await startTestRuntime().catch(async (err: unknown) => {
    client.close();
    await api.stop();
    throw err;
  });
  try {
    await client.create(nodes, '', { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE }, spec: { podCIDR: rt.subnet } });
    let ready = false as boolean;
    kubelet = runKubelet({ client, nodeName: NODE, cri: rt.cri, dataDir: rt.dataDir, nodeIP: '127.0.0.1', cgroupRoot: rt.cgroupParent, resyncMs: 500, onReady: () => { ready = true; } }, abort.signal);
    await eventually('kubelet ready', () => (ready ? true : undefined));
    const get = (name: string) => client.get<Pod>(pods, 'default', name);

    // A long-running pod becomes Running and Ready, with an address from the CNI network.
    await client.create(pods, 'default', podObject('busybox', ['sleep', '3600']));
    const running = await eventually('busybox Running', async () => {
      const p = await get('busybox');
      return p.status?.phase === 'Running' && p.status.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? p : undefined;
    });
    const status = running.status!;
    assert.ok(status.podIP?.startsWith(rt.subnet.slice(0, rt.subnet.lastIndexOf('.') + 1)), `pod IP ${String(status.podIP)} in ${rt.subnet}`);
    assert.deepEqual(status.podIPs, [{ ip: status.podIP }]);
    assert.equal(status.hostIP, '127.0.0.1');
    assert.ok(status.startTime);
    assert.deepEqual(status.conditions?.map((c) => `${c.type}=${c.status}`).sort(), ['ContainersReady=True', 'Initialized=True', 'PodReadyToStartContainers=True', 'PodScheduled=True', 'Ready=True']);
    const cs = status.containerStatuses?.[0];
    assert.ok(cs?.state.running, JSON.stringify(cs));
    assert.equal(cs.ready, true);
    assert.equal(cs.restartCount, 0);
    assert.equal(cs.image, 'docker.io/library/busybox:test');
    assert.match(cs.imageID, /^sha256:[0-9a-f]{64}$/);
    const containerId = cs.containerID.replace('containerd://', '');
    assert.equal((await rt.cri.containerStatus(containerId)).status?.state, 'CONTAINER_RUNNING');
    const sandboxes = await rt.cri.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': running.metadata.uid ?? '' } });
    assert.equal(sandboxes.length, 1);
    assert.equal(sandboxes[0]?.metadata?.name, 'busybox');
    assert.ok(existsSync(join('/sys/fs/cgroup/memory', rt.cgroupParent, `pod${running.metadata.uid ?? ''}`)), 'the pod has its cgroup under the kubelet\'s');

    // The kubelet's events about the pod, as `kubectl describe` lists them.
    const reasons = await eventually('events', async () => {
      const list = await client.list<KubeObject & { reason?: string; involvedObject?: { uid?: string } }>(events, 'default');
      const mine = list.items.filter((e) => e.involvedObject?.uid === running.metadata.uid).map((e) => e.reason ?? '');
      return mine.includes('Started') ? mine : undefined;
    });
    assert.deepEqual(reasons.sort(), ['Created', 'Pulled', 'Started']);

    // A container stopped behind the kubelet's back (as `crictl stop` does) is started again.
    await rt.cri.stopContainer(containerId, 0);
    const restarted = await eventually('busybox restarted', async () => {
      const c = (await get('busybox')).status?.containerStatuses?.[0];
      return c?.restartCount === 1 && c.state.running ? c : undefined;
    });
    assert.notEqual(restarted.containerID, cs.containerID);
    assert.equal(restarted.lastState.terminated?.containerID, cs.containerID);
    assert.equal((await rt.cri.containerStatus(restarted.containerID.replace('containerd://', ''))).status?.state, 'CONTAINER_RUNNING');

    // A container that keeps failing is restarted at once, then backs off (CrashLoopBackOff, 10 s first).
    await client.create(pods, 'default', podObject('crash', ['sh', '-c', 'exit 3']));
    const crashing = await eventually('crash in CrashLoopBackOff', async () => {
      const c = (await get('crash')).status?.containerStatuses?.[0];
      return c?.state.waiting?.reason === 'CrashLoopBackOff' ? c : undefined;
    });
    assert.equal(crashing.restartCount, 1);
    assert.equal(crashing.lastState.terminated?.exitCode, 3);
    assert.equal(crashing.lastState.terminated.reason, 'Error');
    assert.match(crashing.state.waiting?.message ?? '', /^back-off 10s restarting failed container=main pod=crash_default/);
    assert.equal((await get('crash')).status?.phase, 'Running');

    // A pod deleted for good behind the kubelet's back (grace 0, as `kubectl delete --force`): its sandbox goes too.
    const crashPod = await get('crash');
    await client.delete(pods, 'default', 'crash', { gracePeriodSeconds: 0 });
    await eventually('crash sandbox removed', async () => ((await rt.cri.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': crashPod.metadata.uid ?? '' } })).length === 0 ? true : undefined));

    // An image that is neither present nor pullable: the container waits with ErrImagePull.
    await client.create(pods, 'default', podObject('absent', ['true'], 'Always', { image: 'absent.invalid/none:1' }));
    const pulling = await eventually('absent ErrImagePull', async () => {
      const p = await get('absent');
      return p.status?.containerStatuses?.[0]?.state.waiting?.reason === 'ErrImagePull' ? p : undefined;
    });
    assert.equal(pulling.status?.phase, 'Pending');
    await eventually('absent ImagePullBackOff', async () => ((await get('absent')).status?.containerStatuses?.[0]?.state.waiting?.reason === 'ImagePullBackOff' ? true : undefined));

    // A pod that prints and exits 0 with restartPolicy Never succeeds after its init container; its log is where upstream keeps it.
    await client.create(pods, 'default', podObject('hello', ['sh', '-c', 'echo hello; exit 0'], 'Never', { init: ['sh', '-c', 'exit 0'] }));
    const done = await eventually('hello Succeeded', async () => {
      const p = await get('hello');
      return p.status?.phase === 'Succeeded' ? p : undefined;
    });
    const term = done.status?.containerStatuses?.[0]?.state.terminated;
    assert.equal(term?.exitCode, 0, JSON.stringify(done.status));
    assert.equal(term.reason, 'Completed');
    assert.equal(done.status?.initContainerStatuses?.[0]?.state.terminated?.reason, 'Completed');
    assert.equal(done.status.conditions?.find((c) => c.type === 'Initialized')?.status, 'True');
    const log = join(podLogDirectory(rt.dataDir, done), 'main', '0.log');
    assert.ok(existsSync(log), `${log} exists`);
    assert.match(readFileSync(log, 'utf8'), / stdout F hello\n/);

    // Restarted, the kubelet adopts the containers it left running: no new container, no restart.
    abort.abort();
    await kubelet;
    const again = new AbortController();
    abort = again;
    ready = false;
    kubelet = runKubelet({ client, nodeName: NODE, cri: rt.cri, dataDir: rt.dataDir, nodeIP: '127.0.0.1', cgroupRoot: rt.cgroupParent, resyncMs: 500, onReady: () => { ready = true; } }, again.signal);
    await eventually('kubelet ready again', () => (ready ? true : undefined));
    await sleep(1500);
    const adopted = (await get('busybox')).status?.containerStatuses?.[0];
    assert.equal(adopted?.containerID, restarted.containerID);
    assert.equal(adopted.restartCount, 1);
    assert.ok(adopted.state.running);

    // Deleting the running pod stops its container (sleep ignores SIGTERM: killed at the end of the 2 s grace),
    // reports it terminated, removes its sandbox and then the pod object.
    const seen: Pod[] = [];
    const watching = new AbortController();
    const watcher = new Informer<Pod>(client, pods, { fieldSelector: 'metadata.name=busybox' });
    watcher.on({ update: (_, p) => { seen.push(p); } });
    const watched = watcher.run(watching.signal);
    await watcher.synced(watching.signal);
    await client.delete(pods, 'default', 'busybox');
    await eventually('busybox gone', async () => {
      try {
        await get('busybox');
        return undefined;
      } catch (err) {
        if (isNotFound(err)) return true;
        throw err;
      }
    });
    assert.deepEqual(await rt.cri.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': running.metadata.uid ?? '' } }), []);
    assert.equal(existsSync(join('/sys/fs/cgroup/memory', rt.cgroupParent, `pod${running.metadata.uid ?? ''}`)), false, 'the pod cgroup is removed');
    watching.abort();
    await watched;
    const final = seen.find((p) => p.status?.phase === 'Failed');
    assert.ok(final, `a final status was written: ${JSON.stringify(seen.map((p) => p.status?.phase))}`);
    assert.equal(final.status?.containerStatuses?.[0]?.state.terminated?.exitCode, 137);
  } finally {
    abort.abort();
    await kubelet;
    await rt.cleanup();
    client.close();
    await api.stop();
  }
  assert.equal(existsSync(rt.root), false, 'temp dir removed');
  assert.equal(readFileSync('/proc/mounts', 'utf8').includes(rt.root), false, 'nothing left mounted');
});
