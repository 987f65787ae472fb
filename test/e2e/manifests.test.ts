import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { parseAllDocuments, stringify } from 'yaml';
import { allResources } from '../../src/api/index.js';
import { kubectl, kubectlOK } from '../support/kubectl.js';
import { startSkiff, type SkiffProcess } from '../support/skiff.js';

// The manifests users try first (test/e2e/fixtures/manifests: the seed
// documents' guestbook, nginx, myapp and volume examples, and a shop that
// uses every other built-in kind), through the apply life cycle: create,
// re-apply unchanged, diff an edited copy, apply it, prune, delete.

const fixtures = fileURLToPath(new URL('../../../test/e2e/fixtures/manifests/', import.meta.url));

type Doc = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [k: string]: unknown };
type Edit = (doc: Doc) => Doc | undefined;

/** Every document of every fixture file, by file. */
function loadFixtures(): Map<string, Doc[]> {
  const files = new Map<string, Doc[]>();
  for (const f of readdirSync(fixtures).filter((n) => n.endsWith('.yaml')).sort())
    files.set(f, parseAllDocuments(readFileSync(join(fixtures, f), 'utf8')).map((d) => d.toJS() as Doc));
  return files;
}

/** Write the fixtures to `dir`, each document passed through `edit` (undefined drops it). */
function writeSet(dir: string, files: Map<string, Doc[]>, edit: Edit = (d) => d): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, docs] of files) {
    const kept = docs.map((d) => edit(structuredClone(d))).filter((d): d is Doc => d !== undefined);
    writeFileSync(join(dir, name), kept.map((d) => stringify(d)).join('---\n'));
  }
}

const is = (d: Doc, kind: string, name: string) => d.kind === kind && d.metadata.name === name;
type PodSpec = { containers: { name: string; image: string; ports?: unknown[]; env?: unknown[]; readinessProbe?: unknown; volumeMounts?: unknown[] }[]; volumes?: unknown[] };
const podSpec = (d: Doc) => (d.spec as { template: { spec: PodSpec } }).template.spec;

/** The edits a team makes between two applies: replicas, images, labels, containers, ports, env. */
const edits: Edit = (d) => {
  if (is(d, 'Deployment', 'myapp-deploy')) {
    (d.spec as { replicas: number }).replicas = 5;
    d.metadata.labels = { track: 'canary' };
    const c = podSpec(d).containers[0];
    if (c) {
      c.image = 'wangyanglinux/myapp:v3';
      c.ports = [...(c.ports ?? []), { name: 'https', containerPort: 443 }];
      c.env = [{ name: 'GREETING', value: 'hello' }];
    }
  }
  if (is(d, 'Deployment', 'web')) {
    const spec = podSpec(d);
    spec.containers = spec.containers.filter((c) => c.name !== 'proxy');
    delete spec.volumes;
    const app = spec.containers[0];
    if (app) {
      app.env = [...(app.env ?? []), { name: 'FEATURE_X', value: 'on' }];
      delete app.readinessProbe;
    }
  }
  if (is(d, 'Service', 'web')) (d.spec as { ports: unknown[] }).ports = [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'https', port: 443, targetPort: 'http' }];
  if (is(d, 'ConfigMap', 'web-config')) d.data = { LOG_LEVEL: 'debug' };
  if (is(d, 'ReplicationController', 'redis-slave')) (d.spec as { replicas: number }).replicas = 3;
  if (is(d, 'ReplicationController', 'frontend')) {
    const c = podSpec(d).containers[0];
    if (c) c.image = 'kubernetes/example-guestbook-php-redis:v3';
  }
  if (is(d, 'Service', 'redis-master')) d.metadata.labels = { ...d.metadata.labels, tier: 'cache' };
  if (is(d, 'Service', 'nginx-service-clusterip')) (d.spec as { ports: { port: number }[] }).ports[0] = { port: 8002, targetPort: 80, protocol: 'TCP' } as { port: number };
  if (is(d, 'CronJob', 'report')) (d.spec as { schedule: string }).schedule = '30 4 * * *';
  if (is(d, 'Node', 'edge-1')) d.metadata.labels = { ...d.metadata.labels, zone: 'b' };
  return d;
};

/** What the prune step leaves out of the set (all pruned by `--prune --all`). */
const pruned = (d: Doc) => is(d, 'CronJob', 'report') || is(d, 'Service', 'nginx-service-nodeport') || is(d, 'ConfigMap', 'web-config');

describe('real-world manifests through kubectl apply, diff, prune and delete', () => {
  let skiff: SkiffProcess;
  let dir: string;
  const files = loadFixtures();
  const kc = () => skiff.kubeconfig;
  const jsonpath = (args: string[], path: string) => kubectlOK(kc(), ['get', ...args, '-o', `jsonpath=${path}`]);
  before(async () => {
    // No kubelet runs here: pods the scheduler bound to the manifests' Node would wait forever for one to confirm their deletion.
    skiff = await startSkiff({ args: ['--disable-scheduler'] });
    dir = mkdtempSync(join(tmpdir(), 'skiff-manifests-'));
    writeSet(join(dir, 'v1'), files);
    writeSet(join(dir, 'v2'), files, edits);
    writeSet(join(dir, 'v3'), files, (d) => (pruned(edits(d) ?? d) ? undefined : edits(d)));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await skiff.cleanup();
  });

  test('the fixtures hold every built-in kind', () => {
    const kinds = new Set([...files.values()].flat().map((d) => d.kind));
    const missing = allResources.map((r) => r.kind).filter((k) => !kinds.has(k));
    assert.deepEqual(missing, []);
  });

  test('apply creates everything, and a second apply changes nothing', () => {
    const out = kubectlOK(kc(), ['apply', '-f', join(dir, 'v1')]);
    const lines = out.trim().split('\n');
    assert.equal(lines.length, [...files.values()].flat().length, out);
    for (const l of lines) assert.match(l, / created$/);
    const again = kubectlOK(kc(), ['apply', '-f', join(dir, 'v1')]).trim().split('\n');
    // As upstream: a PDB's selector is patched by replacement, a Secret's
    // stringData never reads back, and the defaults inside Endpoints subsets and
    // StatefulSet claim templates (atomic lists) differ from the manifest; and
    // a pod that lists volumes got the kube-api-access volume and mount from
    // admission, so its lists are longer than the manifest's and kubectl's
    // strategic diff sends $setElementOrder for them (isOrderSame); so
    // kubectl always finds something to send for these.
    const alwaysConfigured = /^(poddisruptionbudget\.policy\/web|secret\/db-credentials|endpoints\/payments-api|statefulset\.apps\/db|pod\/test-pd) configured$/;
    for (const l of again) assert.ok(/ unchanged$/.test(l) || alwaysConfigured.test(l), `re-apply changed ${l}`);
  });

  test('diff shows the edits (exit 1), apply makes them, then diff is clean (exit 0)', () => {
    const diff = kubectl(kc(), ['diff', '-f', join(dir, 'v2')]);
    assert.equal(diff.code, 1, diff.stderr);
    for (const re of [/^\+ {2}replicas: 5$/m, /^- {2}replicas: 3$/m, /^\+ {8}image: wangyanglinux\/myapp:v3$/m, /^- {6}- image: nginx:1\.27$/m, /^\+ {2}schedule: 30 4 \* \* \*$/m, /^\+ {4}zone: b$/m])
      assert.match(diff.stdout, re);
    const out = kubectlOK(kc(), ['apply', '-f', join(dir, 'v2')]);
    for (const changed of ['deployment.apps/myapp-deploy', 'deployment.apps/web', 'service/web', 'configmap/web-config', 'replicationcontroller/redis-slave', 'replicationcontroller/frontend', 'service/redis-master', 'service/nginx-service-clusterip', 'cronjob.batch/report', 'node/edge-1'])
      assert.match(out, new RegExp(`^${changed.replace(/[./]/g, '\\$&')} configured$`, 'm'));
    assert.match(out, /^deployment\.apps\/myapp-deploy configured$/m);
    assert.match(out, /^ingress\.networking\.k8s\.io\/web unchanged$/m);

    assert.equal(jsonpath(['deploy', 'myapp-deploy'], '{.spec.replicas} {.spec.template.spec.containers[0].image} {.metadata.labels.track}'), '5 wangyanglinux/myapp:v3 canary');
    assert.equal(jsonpath(['deploy', 'myapp-deploy'], '{.spec.template.spec.containers[0].ports[*].containerPort} {.spec.template.spec.containers[0].env[0].value}'), '80 443 hello');
    // Removed: a container, a volume, a probe, a ConfigMap key.
    assert.equal(jsonpath(['deploy', 'web', '-n', 'shop'], '{.spec.template.spec.containers[*].name}|{.spec.template.spec.volumes}|{.spec.template.spec.containers[0].readinessProbe}'), 'app||');
    assert.equal(jsonpath(['deploy', 'web', '-n', 'shop'], '{.spec.template.spec.containers[0].env[*].name}'), 'LOG_LEVEL DB_PASSWORD FEATURE_X');
    assert.equal(jsonpath(['cm', 'web-config', '-n', 'shop'], '{.data}'), '{"LOG_LEVEL":"debug"}');
    assert.equal(jsonpath(['svc', 'web', '-n', 'shop'], '{.spec.ports[*].port}'), '80 443');
    assert.equal(jsonpath(['svc', 'nginx-service-clusterip'], '{.spec.ports[*].port}'), '8002');
    assert.equal(jsonpath(['rc', 'redis-slave'], '{.spec.replicas}'), '3');
    assert.equal(jsonpath(['node', 'edge-1'], '{.metadata.labels.zone}'), 'b');

    const clean = kubectl(kc(), ['diff', '-f', join(dir, 'v2')]);
    assert.ok(clean.code === 0 || clean.code === 1, clean.stderr);
    // Only the objects that always differ (see above) may still show a diff, and then only in server-set fields.
    for (const line of clean.stdout.split('\n').filter((l) => /^[-+] /.test(l))) assert.doesNotMatch(line, /replicas|image|schedule|zone|FEATURE_X|8002/);
  });

  test('apply --prune --all removes what left the set', () => {
    const out = kubectlOK(kc(), ['apply', '--prune', '--all', '-f', join(dir, 'v3')]);
    for (const gone of ['cronjob.batch/report pruned', 'service/nginx-service-nodeport pruned', 'configmap/web-config pruned']) assert.match(out, new RegExp(`^${gone.replace(/[./]/g, '\\$&')}$`, 'm'));
    assert.equal((out.match(/ pruned$/gm) ?? []).length, 3, out);
    assert.match(kubectl(kc(), ['get', 'cronjob', 'report', '-n', 'shop']).stderr, /NotFound/);
    assert.equal(jsonpath(['svc', 'kubernetes'], '{.metadata.name}'), 'kubernetes');
  });

  test('delete -f removes every object without an error', () => {
    const r = kubectl(kc(), ['delete', '-f', join(dir, 'v3')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(kubectl(kc(), ['get', 'ns', 'shop']).stderr, /NotFound/);
    assert.equal(kubectlOK(kc(), ['get', 'deploy,rc,svc', '-o', 'name']).trim(), 'service/kubernetes');
  });
});
