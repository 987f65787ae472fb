import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { spawnHollow } from '../support/hollow.js';
import { kubectlOK } from '../support/kubectl.js';
import { startSkiff, waitUntil, type SkiffProcess } from '../support/skiff.js';

// `skiff agent` joins a server (started without its own agent) with the server's token and CA.
let skiff: SkiffProcess;
const dataDir = mkdtempSync(join(tmpdir(), 'skiff-agent-e2e-'));
before(async () => {
  skiff = await startSkiff({ args: ['--disable-agent'] });
});
after(async () => {
  await skiff.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

test('skiff agent --runtime fake joins as a Ready node, runs the pods scheduled to it, and stops on SIGTERM', async () => {
  const agent = spawnHollow(skiff, ['--runtime', 'fake', '--node-name', 'e2e-agent', '--data-dir', dataDir], 'agent');
  try {
    await waitUntil('the agent node Ready', () => (/^e2e-agent\s+Ready\s/m.test(kubectlOK(skiff.kubeconfig, ['get', 'nodes', '--no-headers'])) ? true : undefined), 60_000, () => agent.logs());
    kubectlOK(skiff.kubeconfig, ['create', 'deployment', 'web', '--image=busybox', '--replicas=2']);
    const out = await waitUntil('both pods Running on the agent', () => {
      const pods = kubectlOK(skiff.kubeconfig, ['get', 'pods', '-l', 'app=web', '-o', 'wide', '--no-headers']);
      return (pods.match(/\s1\/1\s+Running\s+0\s+\S+\s+10\.42\.\d+\.\d+\s+e2e-agent\s/g) ?? []).length === 2 ? pods : undefined;
    }, 60_000, () => `${agent.logs()}\n${skiff.logs()}`);
    assert.equal(out.trim().split('\n').length, 2);
    assert.equal(await agent.stop(), 0);
  } finally {
    await agent.kill();
  }
});
