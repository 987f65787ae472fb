// The kubelet's pod features on a real containerd: volumes shared by a
// pod's containers, ConfigMap volumes, service links, securityContext,
// probes (liveness, readiness, startup), lifecycle hooks and the
// runAsNonRoot check. Needs root, containerd, runc, the CNI plugins and
// busybox-static; skipped without them, except under CI=true. No packet
// is sent to a pod IP from the host (the guard stays as a safety net).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { configMaps, events, nodes, pods, services } from '../../src/api/core/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { Client, credentialsFromKubeconfig, sleep } from '../../src/client/index.js';
import { runKubelet } from '../../src/kubelet/kubelet.js';
import type { Pod } from '../../src/kubelet/pod/types.js';
import { startTestAPIServer } from '../support/apiserver.js';
import { skipWithoutRuntime, startTestRuntime } from '../support/containerd.js';
import { guardClusterTraffic } from '../support/net.js';

const NODE = 'kubelet-features-node';
const IMAGE = 'busybox:test';

/** Poll `check` every 200 ms (at most 90 s) until it returns a value. */
async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined, last: () => unknown = () => ''): Promise<T> {
  for (let i = 0; ; i++) {
    const v = await check();
    if (v !== undefined) return v;
    if (i >= 450) throw new Error(`gave up waiting for ${what}: ${JSON.stringify(await last())}`);
    await sleep(200);
  }
}

const pod = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
  spec: { nodeName: NODE, terminationGracePeriodSeconds: 2, ...spec },
});

test('pod features: shared volumes, ConfigMaps, service links, securityContext, probes and hooks', async (t) => {
  if (skipWithoutRuntime(t)) return;
  const api = await startTestAPIServer();
  const client = new Client(credentialsFromKubeconfig(api.kubeconfig));
  const abort = new AbortController();
  let kubelet: Promise<void> | undefined;
  let unguard: (() => void) | undefined;
  const hostDir = mkdtempSync(join(tmpdir(), 'skiff-hostpath-'));
  const rt = await startTestRuntime().catch(async (err: unknown) => {
    client.close();
    await api.stop();
    throw err;
  });
  try {
    unguard = guardClusterTraffic();
    await client.create(nodes, '', { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE }, spec: { podCIDR: rt.subnet } });
    const backend = await client.create<KubeObject & { spec?: { clusterIP?: string } }>(services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'backend' }, spec: { ports: [{ port: 6379 }], selector: { app: 'backend' } } });
    let ready = false as boolean;
    kubelet = runKubelet({ client, nodeName: NODE, cri: rt.cri, dataDir: rt.dataDir, nodeIP: '127.0.0.1', cgroupRoot: rt.cgroupParent, resyncMs: 500, onReady: () => { ready = true; } }, abort.signal);
    await eventually('kubelet ready', () => (ready ? true : undefined));
    const get = (name: string) => client.get<Pod>(pods, 'default', name);
    const reasons = async (name: string) => {
      const list = await client.list<KubeObject & { reason?: string; message?: string; involvedObject?: { name?: string } }>(events, 'default');
      return list.items.filter((e) => e.involvedObject?.name === name).map((e) => `${e.reason ?? ''}: ${e.message ?? ''}`);
    };
    const running = (name: string, want: (p: Pod) => boolean = () => true) => eventually(`${name} Running`, async () => {
      const p = await get(name);
      return p.status?.phase === 'Running' && want(p) ? p : undefined;
    }, async () => [(await get(name)).status?.containerStatuses?.map((c) => [c.name, c.ready]), await reasons(name)]);
    const containerId = (p: Pod, name: string) => (p.status?.containerStatuses?.find((c) => c.name === name)?.containerID ?? '').replace('containerd://', '');
    const exec = async (p: Pod, container: string, cmd: string[]) => {
      const r = await rt.cri.execSync(containerId(p, container), cmd, 10);
      return { code: r.exitCode, out: (r.stdout.toString() + r.stderr.toString()).trim() };
    };

    // A ConfigMap volume whose ConfigMap does not exist yet: FailedMount, ContainerCreating, then Running once it does.
    await client.create(pods, 'default', pod('shared', {
      volumes: [{ name: 'shared', emptyDir: {} }, { name: 'settings', configMap: { name: 'settings' } }],
      containers: [
        {
          name: 'web', image: IMAGE, securityContext: { runAsUser: 1000, runAsGroup: 3000 },
          command: ['sh', '-c', 'echo hello > /shared/index.html; exec httpd -f -p 8080 -h /shared'],
          volumeMounts: [{ name: 'shared', mountPath: '/shared' }],
          ports: [{ name: 'http', containerPort: 8080 }],
          // The test network has no route from the host (isGateway false), so the probe checks from inside.
          readinessProbe: { exec: { command: ['wget', '-qO-', 'http://127.0.0.1:8080/index.html'] }, periodSeconds: 1 },
          lifecycle: { postStart: { exec: { command: ['sh', '-c', 'echo started > /shared/poststart'] } } },
        },
        {
          name: 'client', image: IMAGE, command: ['sleep', '3600'],
          securityContext: { readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          volumeMounts: [{ name: 'shared', mountPath: '/data', readOnly: true }, { name: 'settings', mountPath: '/etc/settings' }],
        },
      ],
    }));
    await eventually('FailedMount', async () => (await reasons('shared')).find((r) => r.startsWith('FailedMount: MountVolume.SetUp failed for volume "settings" : configmap "settings" not found')));
    const waiting = await get('shared');
    assert.equal(waiting.status?.phase, 'Pending');
    assert.deepEqual(waiting.status.containerStatuses?.map((c) => c.state.waiting?.reason), ['ContainerCreating', 'ContainerCreating']);
    await client.create(configMaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { greeting: 'hi' } });
    const shared = await running('shared', (p) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True');
    assert.deepEqual(shared.status?.containerStatuses?.map((c) => [c.name, c.ready, c.started]), [['web', true, true], ['client', true, true]]);
    // The containers share the emptyDir and the network: the client reads the web container's file and reaches its server on localhost.
    assert.deepEqual(await exec(shared, 'client', ['cat', '/data/index.html']), { code: 0, out: 'hello' });
    assert.deepEqual(await exec(shared, 'client', ['wget', '-qO-', 'http://127.0.0.1:8080/index.html']), { code: 0, out: 'hello' });
    assert.deepEqual(await exec(shared, 'client', ['cat', '/data/poststart']), { code: 0, out: 'started' }, 'the postStart hook ran');
    assert.deepEqual(await exec(shared, 'client', ['cat', '/etc/settings/greeting']), { code: 0, out: 'hi' });
    // The readOnly mount and the read-only root refuse writes; the web container runs as 1000:3000.
    assert.notEqual((await exec(shared, 'client', ['touch', '/data/x'])).code, 0);
    assert.notEqual((await exec(shared, 'client', ['touch', '/x'])).code, 0);
    assert.deepEqual(await exec(shared, 'web', ['id', '-u']), { code: 0, out: '1000' });
    assert.deepEqual(await exec(shared, 'web', ['id', '-g']), { code: 0, out: '3000' });
    // Capabilities dropped: even root cannot chown.
    assert.notEqual((await exec(shared, 'client', ['chown', '1:1', '/etc/settings']).then((r) => r.code)), 0);
    // Service links of the namespace's services.
    assert.deepEqual(await exec(shared, 'client', ['sh', '-c', 'echo $BACKEND_SERVICE_HOST']), { code: 0, out: backend.spec?.clusterIP });
    assert.deepEqual(await exec(shared, 'client', ['sh', '-c', 'echo $BACKEND_PORT']), { code: 0, out: `tcp://${backend.spec?.clusterIP ?? ''}:6379` });
    // A ConfigMap change reaches the volume.
    await client.patch(configMaps, 'default', 'settings', { data: { greeting: 'hello again' } }, 'merge');
    await eventually('the ConfigMap change in the volume', async () => ((await exec(shared, 'client', ['cat', '/etc/settings/greeting'])).out === 'hello again' ? true : undefined));

    // Probes. Liveness: the container is killed and restarted once its check fails.
    await client.create(pods, 'default', pod('liveness', {
      containers: [{
        name: 'main', image: IMAGE, command: ['sh', '-c', 'touch /tmp/healthy; sleep 2; rm /tmp/healthy; sleep 3600'],
        livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 2 },
      }],
    }));
    // Readiness: not ready until the check passes.
    await client.create(pods, 'default', pod('readiness', {
      containers: [{ name: 'main', image: IMAGE, command: ['sleep', '3600'], readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1 } }],
    }));
    // Startup: a probe that never passes gets the container killed after failureThreshold checks; it is never started.
    await client.create(pods, 'default', pod('startup', {
      containers: [{
        name: 'main', image: IMAGE, command: ['sleep', '3600'],
        startupProbe: { exec: { command: ['false'] }, periodSeconds: 1, failureThreshold: 2 },
        livenessProbe: { exec: { command: ['false'] }, periodSeconds: 1, failureThreshold: 1 },
      }],
    }));
    // runAsNonRoot with an image that runs as root is refused before the container is made.
    await client.create(pods, 'default', pod('nonroot', {
      securityContext: { runAsNonRoot: true },
      containers: [{ name: 'main', image: IMAGE, command: ['sleep', '3600'] }],
    }));
    // preStop runs before the container is stopped.
    await client.create(pods, 'default', pod('prestop', {
      volumes: [{ name: 'host', hostPath: { path: hostDir, type: 'Directory' } }],
      containers: [{
        name: 'main', image: IMAGE, command: ['sleep', '3600'], volumeMounts: [{ name: 'host', mountPath: '/host' }],
        lifecycle: { preStop: { exec: { command: ['sh', '-c', 'echo bye > /host/prestop'] } } },
      }],
    }));

    const readiness = await running('readiness');
    const notReady = readiness.status?.conditions?.find((c) => c.type === 'Ready');
    assert.deepEqual([notReady?.status, notReady?.reason], ['False', 'ContainersNotReady']);
    assert.equal(readiness.status?.containerStatuses?.[0]?.ready, false);
    assert.equal((await exec(readiness, 'main', ['touch', '/tmp/ready'])).code, 0);
    await running('readiness', (p) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True');

    const restarted = await running('liveness', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1);
    assert.equal(restarted.status?.containerStatuses?.[0]?.lastState.terminated?.exitCode, 137);
    const liveEvents = await reasons('liveness');
    assert.ok(liveEvents.some((r) => r.startsWith('Unhealthy: Liveness probe failed:')), liveEvents.join('\n'));
    assert.ok(liveEvents.includes('Killing: Container main failed liveness probe, will be restarted'), liveEvents.join('\n'));

    const startup = await eventually('startup restarted', async () => {
      const p = await get('startup');
      return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? p : undefined;
    }, async () => (await get('startup')).status);
    assert.equal(startup.status?.containerStatuses?.[0]?.started, false);
    assert.ok((await reasons('startup')).includes('Killing: Container main failed startup probe, will be restarted'));

    const nonroot = await eventually('nonroot refused', async () => {
      const w = (await get('nonroot')).status?.containerStatuses?.[0]?.state.waiting;
      return w?.reason === 'CreateContainerConfigError' ? w : undefined;
    });
    assert.match(nonroot.message ?? '', /^container has runAsNonRoot and image will run as root \(pod: "nonroot_default\(.+\)", container: main\)$/);

    await running('prestop');
    await client.delete(pods, 'default', 'prestop');
    await eventually('prestop hook output', () => (existsSync(join(hostDir, 'prestop')) ? true : undefined));
    assert.equal(readFileSync(join(hostDir, 'prestop'), 'utf8'), 'bye\n');
  } finally {
    unguard?.();
    abort.abort();
    await kubelet;
    await rt.cleanup();
    client.close();
    await api.stop();
    rmSync(hostDir, { recursive: true, force: true });
  }
  assert.equal(readFileSync('/proc/mounts', 'utf8').includes(rt.root), false, 'nothing left mounted');
});
