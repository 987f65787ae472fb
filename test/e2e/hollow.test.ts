import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { leases } from '../../src/api/coordination/index.js';
import { nodes } from '../../src/api/core/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { Client, credentialsFromKubeconfig, sleep } from '../../src/client/index.js';
import { spawnHollow } from '../support/hollow.js';
import { kubectlOK } from '../support/kubectl.js';
import { startSkiff, type SkiffProcess } from '../support/skiff.js';

// `skiff server --runtime fake` runs its embedded agent as one hollow node;
// `skiff hollow --nodes N` joins N more from another process.

interface NodeItem extends KubeObject {
  spec?: { podCIDR?: string };
  status?: { conditions?: { type: string; status: string }[] };
}

/** Wait until `check` gives a value (bounded: 60 s), polling. */
async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, logs: () => string = () => ''): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}\n${logs()}`);
}

describe('hollow nodes as processes', () => {
  let skiff: SkiffProcess;
  let client: Client;
  before(async () => {
    skiff = await startSkiff({ args: ['--node-name', 'e2e-fake-node'] });
    client = new Client(credentialsFromKubeconfig(skiff.kubeconfig));
  });
  after(async () => {
    client.close();
    await skiff.cleanup();
  });

  test('skiff server --runtime fake registers its node Ready and runs a pod bound to it', async () => {
    const line = await until('the node Ready', () => {
      const out = kubectlOK(skiff.kubeconfig, ['get', 'nodes', '--no-headers']);
      return /^e2e-fake-node\s+Ready\s/m.test(out) ? out : undefined;
    }, () => skiff.logs());
    assert.match(line, /^e2e-fake-node\s+Ready\s+<none>\s+\S+\s+v1\.33\.0\+skiff$/m);
    kubectlOK(skiff.kubeconfig, ['create', '-f', '-'], { input: 'apiVersion: v1\nkind: Pod\nmetadata: { name: on-fake, namespace: default }\nspec: { nodeName: e2e-fake-node, containers: [{ name: c, image: busybox }] }\n' });
    const pods = await until('the pod Running', () => {
      const out = kubectlOK(skiff.kubeconfig, ['get', 'pod', 'on-fake', '-o', 'wide', '--no-headers']);
      return /\s1\/1\s+Running\s/.test(out) ? out : undefined;
    }, () => skiff.logs());
    assert.match(pods, /^on-fake\s+1\/1\s+Running\s+0\s+\S+\s+10\.42\.\d+\.\d+\s+e2e-fake-node\s/);
  });

  test('skiff hollow --nodes 200 registers 200 nodes with Leases, and stops on SIGTERM', async () => {
    const hollow = spawnHollow(skiff, ['--nodes', '200', '--node-name-prefix', 'e2e-hollow-']);
    try {
      const ours = (names: (string | undefined)[]) => names.filter((n) => n?.startsWith('e2e-hollow-'));
      const ready = await until('200 Ready nodes', async () => {
        if (hollow.child.exitCode !== null) throw new Error(`skiff hollow exited ${hollow.child.exitCode}:\n${hollow.logs()}`);
        const list = (await client.list<NodeItem>(nodes)).items;
        const mine = list.filter((n) => n.metadata.name?.startsWith('e2e-hollow-') && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
        return mine.length === 200 ? list : undefined;
      }, () => hollow.logs());
      // Every node has a pod CIDR of its own, the server's node included.
      const cidrs = ready.map((n) => n.spec?.podCIDR);
      assert.equal(new Set(cidrs).size, ready.length);
      const leaseNames = await until('200 Leases', async () => {
        const names = ours((await client.list(leases, 'kube-node-lease')).items.map((l) => l.metadata.name));
        return names.length === 200 ? names : undefined;
      }, () => hollow.logs());
      assert.ok(leaseNames.includes('e2e-hollow-199'));
      assert.equal(await hollow.stop(), 0);
      assert.match(hollow.logs(), /hollow nodes ready.*nodes=200/);
    } finally {
      await hollow.stop();
    }
  });
});
