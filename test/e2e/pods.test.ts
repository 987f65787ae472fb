// Pods on a real `skiff server` with its containerd node, driven by kubectl
// as a user would: the seed documents' busybox pod in namespace
// `development` (image `busybox`, so `:latest`, pulled every time upstream:
// offline it runs the node's copy), two containers sharing an emptyDir and
// localhost, CrashLoopBackOff with a growing back-off, a liveness restart,
// OOMKilled, and containers killed or removed behind the kubelet's back
// started again. Needs root, containerd, runc, the CNI plugins and
// busybox-static; skipped where they are missing, except in CI. One node at
// a time on this machine: run under `flock /tmp/skiff-node.lock`.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { containerdPaths } from '../../src/kubelet/containerd/config.js';
import { newCriClient } from '../../src/kubelet/cri/client.js';
import { cleanupNode, skipWithoutRuntime } from '../support/containerd.js';
import { buildBusyboxImage, BUSYBOX_TEST_IMAGE } from '../support/images.js';
import { kubectlPath } from '../support/kubectl.js';
import { freePort, skiffBin, startSkiff, waitUntil, type SkiffProcess } from '../support/skiff.js';

const run = promisify(execFile);
const image = BUSYBOX_TEST_IMAGE;
const fixture = (name: string) => new URL(`../../../test/e2e/fixtures/manifests/${name}`, import.meta.url);

const pod = (name: string, spec: object) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { terminationGracePeriodSeconds: 1, ...spec } });
const pods = [
  // Two containers: one serves a file it wrote into the shared emptyDir, the other reads it from the volume and over localhost.
  pod('pair', {
    volumes: [{ name: 'shared', emptyDir: {} }],
    containers: [
      { name: 'web', image, command: ['sh', '-c', 'echo from-web > /shared/index.html; exec httpd -f -p 8080 -h /shared'], volumeMounts: [{ name: 'shared', mountPath: '/shared' }] },
      { name: 'client', image, command: ['sleep', '3600'], volumeMounts: [{ name: 'shared', mountPath: '/data' }] },
    ],
  }),
  pod('crasher', { containers: [{ name: 'c', image, command: ['sh', '-c', 'echo failing; exit 3'] }] }),
  pod('unhealthy', {
    containers: [{
      name: 'c', image, command: ['sh', '-c', 'touch /tmp/ok; sleep 3; rm /tmp/ok; sleep 3600'],
      livenessProbe: { exec: { command: ['cat', '/tmp/ok'] }, periodSeconds: 1, failureThreshold: 2 },
    }],
  }),
  pod('hog', {
    restartPolicy: 'Never',
    containers: [{ name: 'c', image, command: ['sh', '-c', 'head -c 200m /dev/zero | tail'], resources: { limits: { memory: '20Mi' } } }],
  }),
  pod('victim', { containers: [{ name: 'c', image, command: ['sleep', '3600'] }] }),
];

void test('pods on a real node: the seed busybox, shared volumes, CrashLoopBackOff, liveness, OOMKilled, and containers killed behind the kubelet\'s back', { timeout: 600_000 }, async (t) => {
  if (skipWithoutRuntime(t)) return;
  let server: SkiffProcess | undefined;
  try {
    server = await startSkiff({ args: ['--runtime', 'containerd', '--kubelet-port', String(await freePort())], timeoutMs: 60_000 });
    const { kubeconfig, dataDir } = server;
    const started = server;
    const logs = () => started.logs();
    const k = (args: string[], input = '') => {
      const r = spawnSync(kubectlPath(), ['--kubeconfig', kubeconfig, ...args], { input, encoding: 'utf8', timeout: 60_000 });
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    };
    const ok = (args: string[], input = '') => {
      const r = k(args, input);
      assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const jsonpath = (what: string, path: string, ns = 'default') => k(['-n', ns, 'get', what, '-o', `jsonpath=${path}`]).stdout;
    const events = (name: string, ns = 'default') => ok(['-n', ns, 'get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'jsonpath={range .items[*]}{.type} {.reason}: {.message}{"\\n"}{end}']);

    await waitUntil('the node to be Ready', () => (jsonpath('nodes', '{.items[0].status.conditions[?(@.type=="Ready")].status}') === 'True' ? true : undefined), 60_000, logs);
    // The seed's `image: busybox` is docker.io/library/busybox:latest; the test image is the same busybox under both names.
    for (const name of [image, 'docker.io/library/busybox:latest']) {
      const archive = buildBusyboxImage(join(dataDir, `${name.replace(/\W/g, '_')}.tar`), { name });
      await run(process.execPath, [skiffBin, 'image', 'import', '--data-dir', dataDir, archive], { timeout: 60_000 });
    }

    // The seed documents' namespace and busybox pod, as they are written.
    const seed = parseAllDocuments(readFileSync(fixture('myapp.yaml'), 'utf8')).map((d) => d.toJS() as { kind: string }).filter((d) => d.kind === 'Namespace' || d.kind === 'Pod');
    assert.deepEqual(seed.map((d) => d.kind), ['Namespace', 'Pod']);
    ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: seed }));
    ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: pods }));

    await t.test('the seed busybox pod runs in namespace development', async () => {
      await waitUntil('busybox Running', () => (jsonpath('pod/busybox', '{.status.phase}', 'development') === 'Running' ? true : undefined), 120_000, () => `${events('busybox', 'development')}\n${logs()}`);
      assert.match(ok(['-n', 'development', 'get', 'pod', 'busybox']), /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nbusybox\s+1\/1\s+Running\s+0\s+/);
      assert.equal(ok(['-n', 'development', 'exec', 'busybox', '--', 'sh', '-c', 'ps -o comm | grep -c sleep']), '1\n');
      // `:latest` is pulled every time; with no registry reachable the node's copy runs, and an event says so.
      const seen = events('busybox', 'development');
      assert.ok(/Warning Pulled: Failed to pull image "busybox" .*the registry cannot be reached, so the copy present on the node runs/.test(seen) || /Normal Pulled: Successfully pulled image "busybox"/.test(seen), seen);
    });

    await t.test('two containers share an emptyDir and localhost', async () => {
      await waitUntil('pair Running', () => (jsonpath('pod/pair', '{.status.phase}') === 'Running' ? true : undefined), 60_000, logs);
      assert.equal(ok(['exec', 'pair', '-c', 'client', '--', 'cat', '/data/index.html']), 'from-web\n');
      assert.equal(ok(['exec', 'pair', '-c', 'client', '--', 'wget', '-qO-', 'http://127.0.0.1:8080/index.html']), 'from-web\n');
    });

    await t.test('a container that fails reaches CrashLoopBackOff, and its back-off grows', async () => {
      const message = () => jsonpath('pod/crasher', '{.status.containerStatuses[0].state.waiting.message}');
      await waitUntil('a 10 s back-off', () => (message().startsWith('back-off 10s restarting failed container=c pod=crasher_default') ? true : undefined), 60_000, () => events('crasher'));
      assert.match(ok(['get', 'pod', 'crasher']), /crasher\s+0\/1\s+CrashLoopBackOff\s+1 \(\d+s ago\)/);
      await waitUntil('a 20 s back-off', () => (message().startsWith('back-off 20s') ? true : undefined), 60_000, () => events('crasher'));
      assert.equal(jsonpath('pod/crasher', '{.status.containerStatuses[0].restartCount}'), '2');
      assert.equal(jsonpath('pod/crasher', '{.status.containerStatuses[0].lastState.terminated.exitCode}'), '3');
      assert.match(events('crasher'), /Warning BackOff: Back-off restarting failed container c in pod crasher_default/);
      assert.equal(ok(['logs', 'crasher', '--previous']), 'failing\n');
    });

    await t.test('a failing liveness probe restarts the container', async () => {
      await waitUntil('unhealthy restarted', () => (Number(jsonpath('pod/unhealthy', '{.status.containerStatuses[0].restartCount}')) >= 1 ? true : undefined), 60_000, () => events('unhealthy'));
      const seen = events('unhealthy');
      assert.match(seen, /Warning Unhealthy: Liveness probe failed: cat: can't open '\/tmp\/ok': No such file or directory/);
      assert.match(seen, /Normal Killing: Container c failed liveness probe, will be restarted/);
    });

    await t.test('a memory hog over its limit is OOMKilled', async () => {
      await waitUntil('hog OOMKilled', () => (jsonpath('pod/hog', '{.status.containerStatuses[0].state.terminated.reason}') === 'OOMKilled' ? true : undefined), 60_000, () => events('hog'));
      assert.match(ok(['get', 'pod', 'hog']), /hog\s+0\/1\s+OOMKilled\s+0\s+/);
      assert.equal(jsonpath('pod/hog', '{.status.containerStatuses[0].state.terminated.exitCode}'), '137');
      assert.equal(jsonpath('pod/hog', '{.status.phase}'), 'Failed');
    });

    await t.test('a container killed, or removed, behind the kubelet\'s back is started again', async () => {
      // The running container's id, read in one go (two reads could straddle a status write).
      const runningId = () => {
        const [id, startedAt] = jsonpath('pod/victim', '{.status.containerStatuses[0].containerID} {.status.containerStatuses[0].state.running.startedAt}').split(' ');
        return startedAt ? id?.replace('containerd://', '') : undefined;
      };
      const first = await waitUntil('victim Running', runningId, 60_000, logs);
      // Killed: its main process gets SIGKILL from outside (as `kill -9` of the process would).
      const socket = containerdPaths(dataDir).socket;
      await run('ctr', ['--address', socket, '--namespace', 'k8s.io', 'tasks', 'kill', '--signal', 'SIGKILL', first]);
      const second = await waitUntil('a new victim container', () => { const now = runningId(); return now && now !== first ? now : undefined; }, 60_000, () => events('victim'));
      assert.equal(jsonpath('pod/victim', '{.status.containerStatuses[0].lastState.terminated.exitCode}'), '137');
      assert.equal(jsonpath('pod/victim', '{.status.containerStatuses[0].restartCount}'), '1');
      // Removed through CRI, as `crictl stop` and `crictl rm` do.
      const cri = newCriClient(`unix://${socket}`);
      try {
        await cri.stopContainer(second, 0);
        await cri.removeContainer(second);
      } finally {
        cri.close();
      }
      const third = await waitUntil('another victim container', () => { const now = runningId(); return now && now !== second ? now : undefined; }, 60_000, () => events('victim'));
      assert.notEqual(third, first);
      // As upstream, the count is one past the newest container the runtime still has (the killed one).
      assert.equal(jsonpath('pod/victim', '{.status.containerStatuses[0].restartCount}'), '1');
      assert.equal(jsonpath('pod/victim', '{.status.phase}'), 'Running');
      // The sandbox stopped (its containers with it): a new sandbox, and the restart count goes on.
      const sandbox = newCriClient(`unix://${socket}`);
      try {
        const [s] = await sandbox.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.name': 'victim' } });
        assert.ok(s);
        await sandbox.stopPodSandbox(s.id);
      } finally {
        sandbox.close();
      }
      await waitUntil('a victim in a new sandbox', () => { const now = runningId(); return now && now !== third ? now : undefined; }, 60_000, () => events('victim'));
      // A new sandbox starts from the logs the container left: it counts on.
      assert.equal(jsonpath('pod/victim', '{.status.containerStatuses[0].restartCount}'), '2');
    });
  } finally {
    if (server) {
      spawnSync(kubectlPath(), ['--kubeconfig', server.kubeconfig, 'delete', 'pods', '--all', '--all-namespaces', '--grace-period=1', '--timeout=30s'], { timeout: 40_000 });
      await server.stop();
      cleanupNode(server.dataDir);
      await server.cleanup();
    }
  }
});
