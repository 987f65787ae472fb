import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { kubectl, kubectlOK, kubectlVersions } from '../support/kubectl.js';
import { startSkiff, type SkiffProcess } from '../support/skiff.js';

// `kubectl drain` cordons a node and evicts its pods through pods/eviction,
// which a PodDisruptionBudget can refuse (429), with every kubectl version.

const manifest = (node: string, ns: string) => `
apiVersion: v1
kind: Node
metadata: { name: ${node} }
---
apiVersion: v1
kind: Namespace
metadata: { name: ${ns} }
---
apiVersion: v1
kind: Pod
metadata: { name: free, namespace: ${ns}, labels: { app: free } }
spec: { nodeName: ${node}, containers: [{ name: c, image: busybox }] }
---
apiVersion: v1
kind: Pod
metadata: { name: guarded, namespace: ${ns}, labels: { app: guarded } }
spec: { nodeName: ${node}, containers: [{ name: c, image: busybox }] }
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: guard, namespace: ${ns} }
spec: { minAvailable: 1, selector: { matchLabels: { app: guarded } } }
`;

describe('kubectl drain: cordon, evictions, and a PodDisruptionBudget that refuses one', () => {
  let skiff: SkiffProcess;
  before(async () => {
    skiff = await startSkiff();
  });
  after(async () => {
    await skiff.cleanup();
  });

  for (const { version, path } of kubectlVersions()) {
    test(`kubectl ${version}`, () => {
      const kc = skiff.kubeconfig;
      const id = version.replace('.', '-');
      const node = `drain-${id}`;
      const ns = `drain-${id}`;
      kubectlOK(kc, ['create', '-f', '-'], { bin: path, input: manifest(node, ns) });
      // The budget allows nothing (no controller has computed it): the guarded pod stays, the free one goes.
      const r = kubectl(kc, ['drain', node, '--force', '--grace-period=0', '--timeout=3s'], { bin: path });
      assert.notEqual(r.code, 0);
      assert.match(r.stdout + r.stderr, /pod\/free evicted/);
      assert.match(r.stdout + r.stderr, /error when evicting pods\/"guarded" -n "drain-[\d-]+"/);
      assert.equal(kubectlOK(kc, ['get', 'node', node, '-o', 'jsonpath={.spec.unschedulable}'], { bin: path }), 'true');
      assert.equal(kubectlOK(kc, ['get', 'pods', '-n', ns, '-o', 'name'], { bin: path }).trim(), 'pod/guarded');
      // Once the budget allows a disruption, the drain finishes.
      kubectlOK(kc, ['patch', 'pdb', 'guard', '-n', ns, '--subresource=status', '--type=merge', '-p', '{"status":{"observedGeneration":1,"disruptionsAllowed":1,"currentHealthy":1,"desiredHealthy":1,"expectedPods":1}}'], { bin: path });
      assert.match(kubectlOK(kc, ['drain', node, '--force', '--grace-period=0', '--timeout=10s'], { bin: path }), /node\/drain-[\d-]+ drained/);
      assert.equal(kubectlOK(kc, ['get', 'pods', '-n', ns, '-o', 'name'], { bin: path }).trim(), '');
    });
  }
});
