import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pullPolicy, registryUnreachable } from './runtime.js';
import { containerConfig, sandboxConfig } from './sandbox.js';
import type { Pod } from './types.js';

const pod = (spec: NonNullable<Pod['spec']> = {}): Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'web', namespace: 'dev', uid: 'u1', labels: { app: 'web' } },
  spec: { containers: [{ name: 'main', image: 'busybox' }], ...spec },
});

void test('the sandbox carries the pod\'s identity, hostname, log dir, cgroup and namespaces', () => {
  const c = sandboxConfig(pod(), 0, { dataDir: '/data', cgroupRoot: '/skiff' });
  assert.deepEqual(c.metadata, { name: 'web', namespace: 'dev', uid: 'u1', attempt: 0 });
  assert.equal(c.hostname, 'web');
  assert.equal(c.logDirectory, '/data/pods/dev_web_u1');
  assert.deepEqual(c.labels, { app: 'web', 'io.kubernetes.pod.uid': 'u1', 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'dev' });
  assert.equal(c.linux?.cgroupParent, '/skiff/podu1');
  assert.deepEqual(c.linux.securityContext?.namespaceOptions, { network: 'POD', pid: 'CONTAINER', ipc: 'POD' });
  assert.equal(sandboxConfig(pod({ hostname: 'h1' }), 0, { dataDir: '/data', cgroupRoot: '/skiff' }).hostname, 'h1');
  const host = sandboxConfig(pod({ hostNetwork: true, hostPID: true, hostIPC: true }), 0, { dataDir: '/data', cgroupRoot: '/skiff' });
  assert.equal(host.hostname, undefined);
  assert.deepEqual(host.linux?.securityContext?.namespaceOptions, { network: 'NODE', pid: 'NODE', ipc: 'NODE' });
  assert.equal(sandboxConfig(pod({ shareProcessNamespace: true }), 0, { dataDir: '/data', cgroupRoot: '/skiff' }).linux?.securityContext?.namespaceOptions?.pid, 'POD');
});

void test('a container logs to <name>/<restart>.log and carries its env, command and working dir', () => {
  const c = containerConfig(pod(), { name: 'main', image: 'busybox', workingDir: '/tmp' }, 2, { imageRef: 'sha256:abc', env: [['A', '1']], command: ['sh'], args: ['-c', 'true'] });
  assert.equal(c.logPath, 'main/2.log');
  assert.deepEqual(c.metadata, { name: 'main', attempt: 2 });
  assert.deepEqual(c.image, { image: 'sha256:abc', userSpecifiedImage: 'busybox' });
  assert.deepEqual(c.envs, [{ key: 'A', value: '1' }]);
  assert.deepEqual([c.command, c.args, c.workingDir], [['sh'], ['-c', 'true'], '/tmp']);
  assert.equal(c.labels?.['io.kubernetes.container.name'], 'main');
});

void test('the pull policy defaults as upstream: Always for :latest and untagged images, else IfNotPresent', () => {
  assert.equal(pullPolicy({ name: 'a', image: 'busybox' }), 'Always');
  assert.equal(pullPolicy({ name: 'a', image: 'busybox:latest' }), 'Always');
  assert.equal(pullPolicy({ name: 'a', image: 'localhost:5000/busybox' }), 'Always');
  assert.equal(pullPolicy({ name: 'a', image: 'busybox:1.36' }), 'IfNotPresent');
  assert.equal(pullPolicy({ name: 'a', image: 'busybox@sha256:abc' }), 'IfNotPresent');
  assert.equal(pullPolicy({ name: 'a', image: 'busybox', imagePullPolicy: 'Never' }), 'Never');
});

void test('hostPorts become the sandbox\'s port mappings (portmap plugin)', () => {
  const c = sandboxConfig(pod({ containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 53, hostPort: 5353, protocol: 'UDP', hostIP: '127.0.0.1' }, { containerPort: 9090 }] }] }), 0, { dataDir: '/data', cgroupRoot: '/skiff' });
  assert.deepEqual(c.portMappings, [{ protocol: 'TCP', containerPort: 80, hostPort: 8080 }, { protocol: 'UDP', containerPort: 53, hostPort: 5353, hostIp: '127.0.0.1' }]);
  assert.equal(sandboxConfig(pod(), 0, { dataDir: '/data', cgroupRoot: '/skiff' }).portMappings, undefined);
});

void test('the offline fallback applies only when no registry answered', () => {
  assert.equal(registryUnreachable('failed to resolve reference "docker.io/library/busybox:latest": failed to do request: Head "https://registry-1.docker.io/v2/library/busybox/manifests/latest": dial tcp: lookup registry-1.docker.io on 192.0.2.1:53: server misbehaving'), true);
  assert.equal(registryUnreachable('failed to do request: Head "https://example.com/v2/x/manifests/1": dial tcp 203.0.113.9:443: connect: connection refused'), true);
  assert.equal(registryUnreachable('failed to resolve reference "docker.io/library/nope:1": docker.io/library/nope:1: not found'), false);
  assert.equal(registryUnreachable('failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized'), false);
  assert.equal(registryUnreachable('unexpected status code 403 Forbidden'), false);
  // containerd 1.6.20's own messages, from test/integration/kubelet-pull.test.ts.
  assert.equal(registryUnreachable('CRI PullImage: failed to pull and unpack image "127.0.0.1:37933/skiff/busybox:latest": failed to resolve reference "127.0.0.1:37933/skiff/busybox:latest": pulling from host 127.0.0.1:37933 failed with status code [manifests latest]: 401 Unauthorized'), false);
  assert.equal(registryUnreachable('CRI PullImage: failed to pull and unpack image "127.0.0.1:37933/skiff/busybox:latest": failed to resolve reference "127.0.0.1:37933/skiff/busybox:latest": failed to do request: Head "http://127.0.0.1:37933/v2/skiff/busybox/manifests/latest": dial tcp 127.0.0.1:37933: connect: connection refused'), true);
});

void test('an unreachable registry still falls back when the image name reads like a refusal (access-denied:404)', () => {
  assert.equal(registryUnreachable('CRI PullImage: failed to pull and unpack image "registry.lan/access-denied:404": failed to resolve reference "registry.lan/access-denied:404": failed to do request: Head "https://registry.lan/v2/access-denied/manifests/404": dial tcp 192.0.2.7:443: connect: connection refused'), true);
});
