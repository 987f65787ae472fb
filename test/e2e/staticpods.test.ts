// A whole node on containerd: `skiff server --pod-manifest-path DIR` runs
// the manifests in DIR as static pods that kubectl shows as mirror pods, and
// its node reports this machine. Needs root, containerd, runc, the CNI
// plugins and busybox-static; uses the bridge skiff0 and 10.42.0.0/24, so
// run it under `flock /tmp/skiff-node.lock`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { parseOsRelease } from '../../src/kubelet/machine.js';
import { cleanupNode, skipWithoutRuntime } from '../support/containerd.js';
import { kubectl, kubectlOK } from '../support/kubectl.js';
import { skiffBin, startSkiff, waitUntil } from '../support/skiff.js';

const run = promisify(execFile);
const NODE = 'static-e2e';

void test('skiff server --pod-manifest-path runs static pods as mirror pods; its node shows the machine', { timeout: 240_000 }, async (t) => {
  if (skipWithoutRuntime(t)) return;
  const manifests = mkdtempSync(join(tmpdir(), 'skiff-static-e2e-'));
  const skiff = await startSkiff({ args: ['--runtime', 'containerd', '--kubelet-port', '0', '--node-name', NODE, '--pod-manifest-path', manifests], timeoutMs: 60_000 });
  const logs = () => skiff.logs();
  try {
    await waitUntil('the node Ready', () => (new RegExp(`^${NODE}\\s+Ready\\s`, 'm').test(kubectlOK(skiff.kubeconfig, ['get', 'nodes', '--no-headers'])) ? true : undefined), 120_000, logs, 500);
    // The pod's image, built from the host's busybox into the node's containerd (no registry).
    const archive = join(manifests, '.busybox.tar');
    await run(process.execPath, [skiffBin, 'image', 'build', '--tag', 'busybox:latest', '--binary', '/bin/busybox', '-o', archive]);
    await run(process.execPath, [skiffBin, 'image', 'import', '--data-dir', skiff.dataDir, archive]);
    writeFileSync(join(manifests, 'web.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  terminationGracePeriodSeconds: 1\n  containers:\n  - name: main\n    image: busybox:latest\n    imagePullPolicy: Never\n    command: [sleep, "3600"]\n');

    const name = `web-${NODE}`;
    await waitUntil('the mirror pod Running', () => (new RegExp(`^${name}\\s+1/1\\s+Running\\s`, 'm').test(kubectlOK(skiff.kubeconfig, ['get', 'pods', '--no-headers'])) ? true : undefined), 120_000, logs, 500);
    const annotations = JSON.parse(kubectlOK(skiff.kubeconfig, ['get', 'pod', name, '-o', 'jsonpath={.metadata.annotations}'])) as Record<string, string>;
    assert.equal(annotations['kubernetes.io/config.source'], 'file');
    assert.equal(annotations['kubernetes.io/config.mirror'], annotations['kubernetes.io/config.hash']);
    assert.equal(kubectlOK(skiff.kubeconfig, ['get', 'pod', name, '-o', 'jsonpath={.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}']), `Node/${NODE}`);

    // The node as kubectl shows it: this machine's OS, kernel and runtime; the conditions with upstream's reasons.
    const wide = kubectlOK(skiff.kubeconfig, ['get', 'nodes', '-o', 'wide', '--no-headers']);
    assert.ok(wide.includes(parseOsRelease(readFileSync('/etc/os-release', 'utf8'))) && wide.includes(release()) && /containerd:\/\/\S+/.test(wide), wide);
    const described = kubectlOK(skiff.kubeconfig, ['describe', 'node', NODE]);
    assert.match(described, /MemoryPressure\s+False .* KubeletHasSufficientMemory/);
    assert.match(described, /Ready\s+True .* KubeletReady\s+kubelet is posting ready status/);
    assert.match(described, /docker\.io\/library\/busybox:latest|Non-terminated Pods/);

    // Removing the file deletes the pod (and its containers) before the node stops.
    unlinkSync(join(manifests, 'web.yaml'));
    await waitUntil('the mirror pod gone', () => (kubectl(skiff.kubeconfig, ['get', 'pod', name]).code !== 0 ? true : undefined), 60_000, logs, 500);
  } finally {
    await skiff.stop();
    cleanupNode(skiff.dataDir);
    await skiff.cleanup();
    rmSync(manifests, { recursive: true, force: true });
  }
});
