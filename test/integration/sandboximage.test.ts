// The sandbox image built from busybox-static at a node's first start (no registry).
// Needs root and containerd; skipped without, except under CI=true.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { ensureSandboxImage, SANDBOX_IMAGE } from '../../src/kubelet/sandboximage.js';
import type { PodSandboxConfig } from '../../src/kubelet/cri/types.js';
import { skipWithoutRuntime, startTestRuntime } from '../support/containerd.js';


test('a missing sandbox image is built from busybox and imported once; its entrypoint keeps running', async (t) => {
  if (skipWithoutRuntime(t)) return;
  const rt = await startTestRuntime();
  try {
    const { cri } = rt;
    const socket = rt.containerd.paths?.socket ?? '';
    assert.equal(await cri.imageStatus({ image: SANDBOX_IMAGE }), undefined);
    assert.equal(await ensureSandboxImage(cri, socket), 'built');
    assert.deepEqual((await cri.imageStatus({ image: SANDBOX_IMAGE }))?.repoTags, [SANDBOX_IMAGE]);
    assert.equal(await ensureSandboxImage(cri, socket), 'present');
    const uid = randomUUID();
    const config: PodSandboxConfig = {
      metadata: { name: 'pause-test', uid, namespace: 'default', attempt: 0 },
      hostname: 'pause-test',
      logDirectory: join(rt.root, 'pods', uid),
      linux: { cgroupParent: rt.cgroupParent, securityContext: { namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
    };
    const sandbox = await cri.runPodSandbox(config);
    const id = await cri.createContainer(sandbox, { metadata: { name: 'pause', attempt: 0 }, image: { image: SANDBOX_IMAGE }, logPath: 'pause/0.log' }, config);
    await cri.startContainer(id);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await cri.containerStatus(id)).status?.state, 'CONTAINER_RUNNING');
    await cri.stopContainer(id, 0);
    await cri.stopPodSandbox(sandbox);
    await cri.removePodSandbox(sandbox);
  } finally {
    await rt.cleanup();
  }
});
