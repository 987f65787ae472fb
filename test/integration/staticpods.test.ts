// Static pods on a real containerd: the manifest dir's pods run through
// their mirror pods, which kubectl shows. Needs root, containerd, runc, the
// CNI plugins and busybox-static; skipped without them, except under
// CI=true. No packet is sent to a pod.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { nodes, pods } from '../../src/api/core/index.js';
import { Client, credentialsFromKubeconfig, isNotFound, sleep } from '../../src/client/index.js';
import { runKubelet } from '../../src/kubelet/kubelet.js';
import type { Pod } from '../../src/kubelet/pod/types.js';
import { CONFIG_HASH_ANNOTATION, CONFIG_MIRROR_ANNOTATION, CONFIG_SOURCE_ANNOTATION, newStaticPods } from '../../src/kubelet/static.js';
import { newLogger } from '../../src/log.js';
import { startTestAPIServer } from '../support/apiserver.js';
import { skipWithoutRuntime, startTestRuntime } from '../support/containerd.js';
import { kubectlAsyncOK } from '../support/kubectl.js';

const NODE = 'static-node';

/** Poll `check` every 100 ms (at most 60 s) until it returns a value. */
async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (let i = 0; ; i++) {
    const v = await check();
    if (v !== undefined) return v;
    if (i >= 600) throw new Error(`gave up waiting for ${what}`);
    await sleep(100);
  }
}

const manifest = (seconds: number) => `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: main
    image: busybox:test
    command: [sleep, "${String(seconds)}"]
`;

test('static pods run through mirror pods: made at start, made again when deleted (containers kept), replaced on change, gone with the file', async (t) => {
  if (skipWithoutRuntime(t)) return;
  const api = await startTestAPIServer();
  const client = new Client(credentialsFromKubeconfig(api.kubeconfig));
  const dir = mkdtempSync(join(tmpdir(), 'skiff-manifests-'));
  const abort = new AbortController();
  const warnings: string[] = [];
  const log = newLogger({ level: 'warn', format: 'json', write: (line) => warnings.push(line) });
  let running: Promise<unknown> | undefined;
  const rt = await startTestRuntime().catch(async (err: unknown) => {
    client.close();
    await api.stop();
    throw err;
  });
  try {
    const node = await client.create(nodes, '', { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE }, spec: { podCIDR: rt.subnet } });
    writeFileSync(join(dir, 'web.yaml'), manifest(3600));
    writeFileSync(join(dir, 'bad.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: { name: bad }\nspec: { containers: [{ name: c }] }\n');
    writeFileSync(join(dir, '.web.yaml.swp'), 'not a manifest');
    const statics = newStaticPods({ client, node: { name: NODE, uid: node.metadata.uid ?? '' }, dir, log });
    running = Promise.all([
      statics.run(abort.signal),
      runKubelet({ client, nodeName: NODE, cri: rt.cri, dataDir: rt.dataDir, nodeIP: '127.0.0.1', cgroupRoot: rt.cgroupParent, resyncMs: 500, staticPods: statics }, abort.signal),
    ]);
    const name = `web-${NODE}`;
    const get = (): Promise<Pod | undefined> => client.get<Pod>(pods, 'default', name).catch((err: unknown) => { if (isNotFound(err)) return undefined; throw err; });
    const runningMirror = (not?: string) => eventually(`mirror pod Running${not ? ` (not ${not})` : ''}`, async () => {
      const p = await get();
      const id = p?.status?.containerStatuses?.[0]?.containerID;
      return p?.status?.phase === 'Running' && !p.metadata.deletionTimestamp && p.metadata.uid !== not && id ? { pod: p, containerID: id } : undefined;
    });

    // The mirror pod: marked, owned by the Node, and run by the kubelet under the static pod's uid (the hash).
    const first = await runningMirror();
    const a = first.pod.metadata.annotations ?? {};
    const hash = a[CONFIG_HASH_ANNOTATION] ?? '';
    assert.match(hash, /^[0-9a-f]{32}$/);
    assert.equal(a[CONFIG_MIRROR_ANNOTATION], hash);
    assert.equal(a[CONFIG_SOURCE_ANNOTATION], 'file');
    assert.deepEqual(first.pod.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: NODE, uid: node.metadata.uid, controller: true }]);
    assert.notEqual(first.pod.metadata.uid, hash, 'the API gives the mirror its own uid');
    assert.equal((await rt.cri.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': hash } })).length, 1);
    assert.match(await kubectlAsyncOK(api.kubeconfig, ['get', 'pods', '-o', 'wide']), new RegExp(`${name}\\s+1/1\\s+Running\\s+0 .*${NODE}`));
    // The invalid manifest is skipped with a message that names it; the dotfile is not read at all.
    assert.equal((await client.list(pods, 'default')).items.length, 1);
    assert.ok(warnings.some((l) => l.includes('skipping invalid static pod manifest') && l.includes('bad.yaml') && l.includes('spec.containers[0].image')), warnings.join('\n'));
    assert.ok(!warnings.some((l) => l.includes('.web.yaml.swp')));

    // Deleted through the API: made again (a new uid), the container left running.
    await client.delete(pods, 'default', name);
    const again = await runningMirror(first.pod.metadata.uid);
    assert.equal(again.pod.metadata.annotations?.[CONFIG_MIRROR_ANNOTATION], hash);
    assert.equal(again.containerID, first.containerID, 'the static pod was not restarted');
    assert.equal(again.pod.status?.containerStatuses?.[0]?.restartCount, 0);

    // A container that dies behind the kubelet's back is noticed at the next relist (by the static pod's uid) and restarted.
    await rt.cri.stopContainer(again.containerID.replace('containerd://', ''), 0);
    const deadline = Date.now() + 20_000;
    await eventually('the killed static container restarted by the relist', async () => {
      if (Date.now() > deadline) throw new Error('not restarted within 20 s: the relist missed the mirror pod');
      const p = await get();
      return (p?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? true : undefined;
    });

    // A changed file is a new static pod: the old one stops, the new one runs.
    writeFileSync(join(dir, 'web.yaml'), manifest(3601));
    const changed = await eventually('the changed static pod running', async () => {
      const p = await runningMirror();
      return p.pod.metadata.annotations?.[CONFIG_MIRROR_ANNOTATION] !== hash ? p : undefined;
    });
    assert.notEqual(changed.containerID, first.containerID);
    await eventually('the old static pod removed from the runtime', async () => ((await rt.cri.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': hash } })).length === 0 ? true : undefined));

    // The file removed: the mirror pod and its containers go.
    const newHash = changed.pod.metadata.annotations?.[CONFIG_MIRROR_ANNOTATION] ?? '';
    unlinkSync(join(dir, 'web.yaml'));
    await eventually('mirror pod deleted', async () => ((await get()) === undefined ? true : undefined));
    await eventually('static pod removed from the runtime', async () => ((await rt.cri.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': newHash } })).length === 0 ? true : undefined));
  } finally {
    abort.abort();
    await running;
    await rt.cleanup();
    client.close();
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

