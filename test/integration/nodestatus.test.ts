// A real node's status as the heartbeats write it from this machine: what
// `kubectl get nodes -o wide` and `kubectl describe node` show. The CRI is
// a stand-in that only lists images; no containers run.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { release } from 'node:os';
import { test } from 'node:test';
import { nodes } from '../../src/api/core/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { Client, credentialsFromKubeconfig, sleep } from '../../src/client/index.js';
import { nodeTemplate, registerNodes } from '../../src/hollow/index.js';
import type { CriClient } from '../../src/kubelet/cri/client.js';
import type { Image } from '../../src/kubelet/cri/types.js';
import { runHeartbeats } from '../../src/kubelet/heartbeat.js';
import { parseOsRelease } from '../../src/kubelet/machine.js';
import { machineStatus } from '../../src/kubelet/machinestatus.js';
import { startTestAPIServer } from '../support/apiserver.js';
import { kubectlAsyncOK } from '../support/kubectl.js';

const image = (size: number, tags: string[], digests: string[]): Image => ({ id: `sha256:${String(size)}`, repoTags: tags, repoDigests: digests, size: String(size), uid: null, username: '', spec: null, pinned: false });

test('a real node reports its machine: nodeInfo, capacity, images and conditions, as kubectl shows them', async () => {
  const api = await startTestAPIServer();
  const client = new Client(credentialsFromKubeconfig(api.kubeconfig));
  const abort = new AbortController();
  let beats: Promise<void> | undefined;
  try {
    const images = [image(1_000, ['docker.io/library/busybox:1.36'], ['docker.io/library/busybox@sha256:aa']), image(5_000, ['registry.k8s.io/pause:3.10'], [])];
    const cri = { listImages: () => Promise.resolve(images) } as unknown as CriClient;
    const machine = await machineStatus({ cri, nodeName: 'real-0', internalIP: '192.0.2.9', dataDir: api.dataDir, runtimeVersion: 'containerd://1.7.24' });
    const template = { ...(await nodeTemplate(client, { internalIP: '192.0.2.9', cpu: String(machine.info.cpu), memoryBytes: machine.info.memoryBytes })), runtimeVersion: machine.runtimeVersion, labels: machine.labels };
    const registered = (await registerNodes(client, ['real-0'], template, { clusterCIDR: '10.42.0.0/16', maskBits: 24 }, 1, Date.now)).get('real-0');
    assert.ok(registered);
    beats = runHeartbeats({ client, node: { name: 'real-0', uid: registered.uid }, conditions: registered.conditions, status: machine.status(template.kubeletVersion, 10250) }, abort.signal);

    type NodeView = KubeObject & { status?: { nodeInfo?: Record<string, string>; images?: { names: string[]; sizeBytes: number }[]; capacity?: Record<string, string>; allocatable?: Record<string, string>; conditions?: { type: string; status: string; reason: string }[] } };
    let node: NodeView | undefined;
    for (let i = 0; i < 100; i++) {
      node = await client.get<NodeView>(nodes, '', 'real-0');
      if (node.status?.nodeInfo?.osImage !== 'skiff hollow node') break;
      await sleep(50);
    }
    const osImage = parseOsRelease(readFileSync('/etc/os-release', 'utf8'));
    const info = node?.status?.nodeInfo;
    assert.equal(info?.osImage, osImage);
    assert.equal(info.kernelVersion, release());
    assert.equal(info.machineID, readFileSync('/etc/machine-id', 'utf8').trim());
    assert.equal(info.bootID, readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
    assert.equal(info.containerRuntimeVersion, 'containerd://1.7.24');
    assert.equal(info.kubeletVersion, template.kubeletVersion);
    assert.equal(info.architecture, node?.metadata.labels?.['kubernetes.io/arch']);
    assert.deepEqual(node?.status?.images, [{ names: ['registry.k8s.io/pause:3.10'], sizeBytes: 5000 }, { names: ['docker.io/library/busybox@sha256:aa', 'docker.io/library/busybox:1.36'], sizeBytes: 1000 }]);
    assert.equal(node.status.capacity?.pods, '110');
    assert.match(node.status.allocatable?.['ephemeral-storage'] ?? '', /^\d+(Ki|Mi|Gi)?$/);

    const wide = await kubectlAsyncOK(api.kubeconfig, ['get', 'nodes', '-o', 'wide']);
    const row = wide.split('\n').find((l) => l.startsWith('real-0'));
    assert.ok(row?.includes(osImage) && row.includes(release()) && row.includes('containerd://1.7.24'), wide);
    const described = await kubectlAsyncOK(api.kubeconfig, ['describe', 'node', 'real-0']);
    for (const line of [/MemoryPressure\s+False .* KubeletHasSufficientMemory\s+kubelet has sufficient memory available/, /DiskPressure\s+False .* KubeletHasNoDiskPressure/, /PIDPressure\s+False .* KubeletHasSufficientPID/, /Ready\s+True .* KubeletReady\s+kubelet is posting ready status/]) {
      assert.match(described, line);
    }
    assert.match(described, new RegExp(`OS Image:\\s+${osImage.replace(/[()]/g, '\\$&')}`));
  } finally {
    abort.abort();
    await beats;
    client.close();
    await api.stop();
  }
});
