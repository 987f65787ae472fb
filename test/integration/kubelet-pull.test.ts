// Image pulls from a real registry: Docker distribution (Debian's
// docker-registry) on 127.0.0.1 with basic auth, and a real containerd.
// imagePullSecrets with the right credentials pull; wrong ones are refused
// (401) and never fall back to the node's copy; a missing secret is a
// warning; a registry name mapped by a hosts.toml of the node pulls; a registry that is down (connection refused) falls back to the
// node's copy with --offline-image-fallback, and fails the pull without it.
// Needs root, containerd, runc, the CNI plugins, busybox-static,
// docker-registry and apache2-utils; skipped without them, except under CI=true.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { events, nodes, pods, secrets } from '../../src/api/core/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { Client, credentialsFromKubeconfig, sleep } from '../../src/client/index.js';
import { runKubelet } from '../../src/kubelet/kubelet.js';
import type { Pod } from '../../src/kubelet/pod/types.js';
import { startTestAPIServer } from '../support/apiserver.js';
import { skipWithoutRuntime, startTestRuntime } from '../support/containerd.js';
import { busyboxImage } from '../support/images.js';
import { skipWithoutRegistry, startTestRegistry, type TestRegistry } from '../support/registry.js';

const NODE = 'kubelet-pull-node';

/** Poll `check` every 200 ms (at most 90 s) until it returns a value. */
async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined, last: () => unknown = () => ''): Promise<T> {
  for (let i = 0; ; i++) {
    const v = await check();
    if (v !== undefined) return v;
    if (i >= 450) throw new Error(`gave up waiting for ${what}: ${JSON.stringify(await last())}`);
    await sleep(200);
  }
}

/** A `kubernetes.io/dockerconfigjson` Secret with one registry's credentials. */
const dockerSecret = (name: string, registry: string, username: string, password: string): KubeObject => ({
  apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, type: 'kubernetes.io/dockerconfigjson',
  data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths: { [registry]: { username, password, auth: Buffer.from(`${username}:${password}`).toString('base64') } } })).toString('base64') },
});

const pod = (name: string, image: string, pullSecrets: readonly string[], extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
  spec: {
    nodeName: NODE, terminationGracePeriodSeconds: 1,
    imagePullSecrets: pullSecrets.map((n) => ({ name: n })),
    containers: [{ name: 'main', image, command: ['sleep', '3600'], ...extra }],
  },
});

test('image pulls from a registry with basic auth: imagePullSecrets, 401, missing secrets, offline fallback', async (t) => {
  if (skipWithoutRuntime(t) || skipWithoutRegistry(t)) return;
  const api = await startTestAPIServer();
  const client = new Client(credentialsFromKubeconfig(api.kubeconfig));
  const watching = new AbortController();
  let abort = new AbortController();
  let kubelet: Promise<void> | undefined;
  let registry: TestRegistry | undefined;
  const rt = await startTestRuntime().catch(async (err: unknown) => {
    client.close();
    await api.stop();
    throw err;
  });
  try {
    registry = await startTestRegistry('skiff', 's3cret');
    await registry.push('skiff/busybox', ['latest', 'v1'], busyboxImage());
    const latest = `${registry.host}/skiff/busybox:latest`;
    const v1 = `${registry.host}/skiff/busybox:v1`;
    await client.create(nodes, '', { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE }, spec: { podCIDR: rt.subnet } });
    await client.create(secrets, 'default', dockerSecret('good', registry.host, 'skiff', 's3cret'));
    await client.create(secrets, 'default', dockerSecret('bad', registry.host, 'skiff', 'wrong'));

    // Every waiting state each pod's container went through, in order (a poll could miss a short one).
    const waited = new Map<string, string[]>();
    const list = await client.list(pods, 'default');
    const watch = client.watch<Pod>(pods, 'default', { resourceVersion: list.metadata.resourceVersion }, (e) => {
      const w = e.object.status?.containerStatuses?.[0]?.state.waiting;
      const name = e.object.metadata.name ?? '';
      const seen = waited.get(name) ?? [];
      const entry = w ? `${w.reason ?? ''}: ${w.message ?? ''}` : undefined;
      if (entry !== undefined && seen.at(-1) !== entry) waited.set(name, [...seen, entry]);
    }, watching.signal).catch(() => undefined);

    const startKubelet = async (offlineImageFallback: boolean) => {
      abort = new AbortController();
      let ready = false as boolean;
      kubelet = runKubelet({ client, nodeName: NODE, cri: rt.cri, dataDir: rt.dataDir, nodeIP: '127.0.0.1', cgroupRoot: rt.cgroupParent, resyncMs: 500, offlineImageFallback, onReady: () => { ready = true; } }, abort.signal);
      await eventually('kubelet ready', () => (ready ? true : undefined));
    };
    const get = (name: string) => client.get<Pod>(pods, 'default', name);
    const reasons = async (name: string) => {
      const all = await client.list<KubeObject & { type?: string; reason?: string; message?: string; involvedObject?: { name?: string } }>(events, 'default');
      return all.items.filter((e) => e.involvedObject?.name === name).map((e) => `${e.type ?? ''} ${e.reason ?? ''}: ${e.message ?? ''}`);
    };
    const running = (name: string) => eventually(`${name} Running`, async () => {
      const p = await get(name);
      return p.status?.phase === 'Running' ? p : undefined;
    }, async () => [(await get(name)).status?.containerStatuses, await reasons(name)]);
    const waiting = (name: string, reason: string) => eventually(`${name} ${reason}`, () => waited.get(name)?.find((w) => w.startsWith(`${reason}: `)), async () => [waited.get(name), await reasons(name)]);
    const imageId = async (image: string) => (await rt.cri.imageStatus({ image }))?.id;

    await startKubelet(true);

    // The right credentials: the image is pulled (it was not on the node) and runs.
    assert.equal(await imageId(latest), undefined, 'the registry image is not on the node yet');
    await client.create(pods, 'default', pod('good', latest, ['good']));
    await running('good');
    const good = await reasons('good');
    assert.ok(good.includes(`Normal Pulling: Pulling image "${latest}"`), good.join('\n'));
    assert.ok(good.some((r) => r.startsWith(`Normal Pulled: Successfully pulled image "${latest}" in `)), good.join('\n'));
    assert.notEqual(await imageId(latest), undefined);

    // Wrong credentials: the registry answers 401. The image is on the node now and the policy is Always (`:latest`),
    // but a refusal is an answer, not an unreachable registry: no fallback, ErrImagePull then ImagePullBackOff.
    await client.create(pods, 'default', pod('bad', latest, ['bad']));
    const refused = await waiting('bad', 'ErrImagePull');
    assert.match(refused, /401|unauthorized/i);
    await waiting('bad', 'ImagePullBackOff');
    assert.equal((await get('bad')).status?.phase, 'Pending');
    const bad = await reasons('bad');
    assert.ok(bad.some((r) => /^Warning Failed: Failed to pull image ".+": .*(401|unauthorized)/i.test(r)), bad.join('\n'));
    assert.ok(!bad.some((r) => r.startsWith('Warning Pulled:')), `no fallback to the node's copy:\n${bad.join('\n')}`);

    // A missing secret: a warning naming it; the pull goes on with the secrets that exist.
    await client.create(pods, 'default', pod('missing', v1, ['absent', 'good']));
    await running('missing');
    const missing = await reasons('missing');
    assert.ok(missing.some((r) => r.startsWith('Warning FailedToRetrieveImagePullSecret: Unable to retrieve some image pull secrets (absent); attempting to pull the image may not succeed.')), missing.join('\n'));
    assert.ok(missing.some((r) => r.startsWith(`Normal Pulled: Successfully pulled image "${v1}" in `)), missing.join('\n'));

    // A registry name that containerd reaches through the node's hosts.toml (here: plain HTTP to the test registry).
    const named = 'registry.skiff.test/skiff/busybox:v1';
    const hostDir = join(rt.containerd.paths!.registryConfigDir, 'registry.skiff.test');
    mkdirSync(hostDir);
    writeFileSync(join(hostDir, 'hosts.toml'), `server = "http://${registry.host}"\n\n[host."http://${registry.host}"]\n  capabilities = ["pull", "resolve"]\n`);
    await client.create(secrets, 'default', dockerSecret('named', 'registry.skiff.test', 'skiff', 's3cret'));
    await client.create(pods, 'default', pod('named', named, ['named']));
    await running('named');
    assert.ok((await reasons('named')).some((r) => r.startsWith(`Normal Pulled: Successfully pulled image "${named}" in `)));

    // The registry goes away (connection refused): `:latest` (Always) runs the node's copy, with a Warning.
    await registry.stop();
    await client.create(pods, 'default', pod('offline', latest, ['good']));
    await running('offline');
    const offline = await reasons('offline');
    assert.ok(offline.some((r) => r.startsWith(`Warning Pulled: Failed to pull image "${latest}" (`) && r.includes('connection refused') && r.endsWith('the registry cannot be reached, so the copy present on the node runs (--offline-image-fallback)')), offline.join('\n'));

    // Without the fallback, as upstream: ErrImagePull, then ImagePullBackOff.
    abort.abort();
    await kubelet;
    await startKubelet(false);
    await client.create(pods, 'default', pod('strict', latest, ['good']));
    assert.match(await waiting('strict', 'ErrImagePull'), /connection refused/);
    await waiting('strict', 'ImagePullBackOff');
    assert.equal((await get('strict')).status?.phase, 'Pending');
    watching.abort();
    await watch;
  } finally {
    watching.abort();
    abort.abort();
    await kubelet;
    await registry?.cleanup();
    await rt.cleanup();
    client.close();
    await api.stop();
  }
  assert.equal(readFileSync('/proc/mounts', 'utf8').includes(rt.root), false, 'nothing left mounted');
});
