import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { startEtcd, type EtcdProcess } from '../support/etcd.js';
import { kubectl, kubectlOK, kubectlStream, kubectlVersions } from '../support/kubectl.js';
import { startSkiff, type SkiffProcess } from '../support/skiff.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../../test/e2e/fixtures/${name}`, import.meta.url));

/** The kubectl session every backend must pass. */
function kubectlSuite(backend: string, endpoint: () => string | undefined): void {
  describe(`kubectl against skiff server on ${backend}`, () => {
    let skiff: SkiffProcess;
    let kc: string;
    before(async () => {
      // No node: pods stay Pending, as the session expects.
      skiff = await startSkiff({ endpoint: endpoint(), args: ['--disable-agent'] });
      kc = skiff.kubeconfig;
    });
    after(async () => {
      await skiff.cleanup();
    });

    test('get ns shows the four namespaces', () => {
      const out = kubectlOK(kc, ['get', 'ns']);
      assert.match(out, /^NAME\s+STATUS\s+AGE/);
      for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.match(out, new RegExp(`^${ns}\\s+Active\\s+`, 'm'));
    });

    test('create -f a multi-document manifest', () => {
      const out = kubectlOK(kc, ['create', '-f', fixture('basics.yaml')]);
      for (const line of ['namespace/shop created', 'configmap/web-config created', 'secret/web-secret created', 'pod/web-1 created', 'pod/db-1 created', 'service/web created', 'serviceaccount/builder created', 'replicationcontroller/myapp-rc created'])
        assert.ok(out.includes(line), `missing "${line}" in:\n${out}`);
      const again = kubectl(kc, ['create', '-f', fixture('basics.yaml')]);
      assert.notEqual(again.code, 0);
      assert.match(again.stderr, /Error from server \(AlreadyExists\): error when creating ".*basics\.yaml": namespaces "shop" already exists/);
    });

    test('get with -o name, -o json, -o yaml, -l, --field-selector, -n, -A', () => {
      // The ReplicationController's pods (app=myapp) come and go with the controller; these are the hand-made ones.
      assert.equal(kubectlOK(kc, ['get', 'pods', '-n', 'shop', '-l', 'app!=myapp', '-o', 'name']), 'pod/db-1\npod/web-1\n');
      const json = JSON.parse(kubectlOK(kc, ['get', 'pods', '-n', 'shop', '-l', 'app=web', '-o', 'json'])) as { items: { metadata: { name: string } }[] };
      assert.deepEqual(json.items.map((i) => i.metadata.name), ['web-1']);
      const yaml = kubectlOK(kc, ['get', 'pod', 'web-1', '-n', 'shop', '-o', 'yaml']);
      assert.match(yaml, /^kind: Pod$/m);
      assert.match(yaml, /^ {2}uid: [0-9a-f-]{36}$/m);
      assert.match(yaml, /^ {2}resourceVersion: "\d+"$/m);
      assert.equal(kubectlOK(kc, ['get', 'pods', '-n', 'shop', '--field-selector', 'metadata.name=db-1', '-o', 'name']), 'pod/db-1\n');
      assert.equal(kubectlOK(kc, ['get', 'pods', '-n', 'shop', '-l', 'app in (db,cache)', '-o', 'name']), 'pod/db-1\n');
      assert.equal(kubectlOK(kc, ['get', 'pods', '-n', 'shop', '-l', '!tier,app!=myapp', '-o', 'name']), 'pod/db-1\n');
      const all = kubectlOK(kc, ['get', 'configmaps', '-A']);
      assert.match(all, /^NAMESPACE\s+NAME\s+DATA\s+AGE/);
      assert.match(all, /^shop\s+web-config\s+1\s+/m);
      const pods = kubectlOK(kc, ['get', 'pods', '-n', 'shop']);
      assert.match(pods, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
      assert.match(pods, /^web-1\s+0\/1\s+Pending\s+0\s+/m);
      assert.equal(kubectlOK(kc, ['get', 'secret', 'web-secret', '-n', 'shop', '-o', 'jsonpath={.data.password}']), Buffer.from('s3cret').toString('base64'));
      const svc = kubectlOK(kc, ['get', 'svc', 'web', '-n', 'shop']);
      assert.match(svc, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE/);
      assert.match(kubectlOK(kc, ['get', 'rc', '-n', 'shop']), /^myapp-rc\s+2\s+[0-2]\s+0\s+/m);
      const missing = kubectl(kc, ['get', 'pod', 'nope', '-n', 'shop']);
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /Error from server \(NotFound\): pods "nope" not found/);
    });

    test('get -w sees a create from another client', async () => {
      const w = kubectlStream(kc, ['get', 'configmaps', '-n', 'default', '-w', '-o', 'name']);
      try {
        // The watch has started once the initial list (kube-root-ca.crt may be absent) printed or a moment passed.
        await new Promise((r) => setTimeout(r, 1000));
        kubectlOK(kc, ['create', 'configmap', 'watched', '-n', 'default', '--from-literal=a=b']);
        await w.waitFor(/configmap\/watched/);
      } finally {
        w.stop();
      }
    });

    test('a bad manifest gets kubectl\'s usual error with the server\'s message', () => {
      const bad = kubectl(kc, ['create', '-f', fixture('bad-name.yaml')]);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /The ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters/);
      const malformed = kubectl(kc, ['create', '-f', fixture('malformed.yaml')]);
      assert.notEqual(malformed.code, 0);
      assert.match(malformed.stderr, /error converting YAML to JSON/);
    });

    test('label, annotate, patch (merge and JSON patches) and scale', () => {
      assert.match(kubectlOK(kc, ['label', 'pod', 'web-1', '-n', 'shop', 'release=canary']), /pod\/web-1 labeled/);
      assert.equal(kubectlOK(kc, ['get', 'pods', '-n', 'shop', '-l', 'release=canary', '-o', 'name']), 'pod/web-1\n');
      assert.match(kubectlOK(kc, ['annotate', 'configmap', 'web-config', '-n', 'shop', 'owner=team-a']), /annotated/);
      kubectlOK(kc, ['patch', 'configmap', 'web-config', '-n', 'shop', '--type=merge', '-p', '{"data":{"extra":"1"}}']);
      kubectlOK(kc, ['patch', 'configmap', 'web-config', '-n', 'shop', '--type=json', '-p', '[{"op":"replace","path":"/data/extra","value":"2"}]']);
      assert.equal(kubectlOK(kc, ['get', 'configmap', 'web-config', '-n', 'shop', '-o', 'jsonpath={.data.extra} {.metadata.annotations.owner}']), '2 team-a');
      const stale = kubectl(kc, ['label', 'pod', 'web-1', '-n', 'shop', 'release=stable', '--overwrite', '--resource-version=1']);
      assert.notEqual(stale.code, 0);
      assert.match(stale.stderr, /Conflict|the object has been modified/);
      assert.match(kubectlOK(kc, ['label', 'pod', 'web-1', '-n', 'shop', 'release-']), /unlabeled/);
      assert.match(kubectlOK(kc, ['scale', 'rc', 'myapp-rc', '-n', 'shop', '--replicas=4']), /scaled/);
      assert.match(kubectlOK(kc, ['get', 'rc', 'myapp-rc', '-n', 'shop']), /^myapp-rc\s+4\s+/m);
      assert.match(kubectl(kc, ['scale', 'rc', 'myapp-rc', '-n', 'shop', '--replicas=2', '--current-replicas=3']).stderr, /Expected replicas to be 3, was 4/);
    });

    test('apply creates, re-applies after edits (removals too), and diff shows what would change', () => {
      const dir = mkdtempSync(join(tmpdir(), 'skiff-apply-'));
      try {
        const manifest = (v: 1 | 2) =>
          [
            'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: applied',
            `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: applied\n  labels:\n    x: "1"${v === 1 ? '\n    y: "2"' : ''}\ndata:\n  a: "1"${v === 1 ? '\n  b: "2"' : ''}`,
            `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: applied\nspec:\n  containers:\n  - name: web\n    image: nginx:${v === 1 ? '1.25' : '1.26'}\n    env:\n    - name: A\n      value: "1"`,
            `apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: applied\nspec:\n  selector:\n    app: p\n  ports:\n  - name: http\n    port: 80${v === 2 ? '\n  - name: https\n    port: 443' : ''}`,
          ].join('\n---\n');
        const v1 = join(dir, 'v1.yaml');
        const v2 = join(dir, 'v2.yaml');
        writeFileSync(v1, manifest(1));
        writeFileSync(v2, manifest(2));
        assert.match(kubectlOK(kc, ['apply', '-f', v1]), /configmap\/cfg created[\s\S]*pod\/p created[\s\S]*service\/s created/);
        assert.match(kubectlOK(kc, ['apply', '-f', v1]), /configmap\/cfg unchanged[\s\S]*pod\/p unchanged[\s\S]*service\/s unchanged/);
        const diff = kubectl(kc, ['diff', '-f', v2]);
        assert.equal(diff.code, 1, diff.stderr);
        assert.match(diff.stdout, /\+ {2}- image: nginx:1\.26|\+.*image: nginx:1\.26/);
        assert.match(kubectlOK(kc, ['apply', '-f', v2]), /configmap\/cfg configured[\s\S]*pod\/p configured[\s\S]*service\/s configured/);
        const cfg = JSON.parse(kubectlOK(kc, ['get', 'cm', 'cfg', '-n', 'applied', '-o', 'json'])) as { data: object; metadata: { labels: object } };
        assert.deepEqual(cfg.data, { a: '1' });
        assert.deepEqual(cfg.metadata.labels, { x: '1' });
        assert.equal(kubectlOK(kc, ['get', 'pod', 'p', '-n', 'applied', '-o', 'jsonpath={.spec.containers[0].image} {.spec.containers[0].env[0].value}']), 'nginx:1.26 1');
        assert.equal(kubectlOK(kc, ['get', 'svc', 's', '-n', 'applied', '-o', 'jsonpath={.spec.ports[*].port}']), '80 443');
        assert.equal(kubectl(kc, ['diff', '-f', v2]).code, 0);
        kubectlOK(kc, ['delete', '-f', v2]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('delete by name and with -f', () => {
      assert.match(kubectlOK(kc, ['delete', 'pod', 'db-1', '-n', 'shop']), /pod "db-1" deleted/);
      assert.equal(kubectlOK(kc, ['get', 'pods', '-n', 'shop', '-l', 'app!=myapp', '-o', 'name']), 'pod/web-1\n');
      const out = kubectlOK(kc, ['delete', '-f', fixture('basics.yaml'), '--ignore-not-found']);
      assert.match(out, /namespace "shop" deleted/);
      assert.match(out, /configmap "web-config" deleted/);
      // kubectl waits for the namespace to be gone; its content goes with it.
      assert.match(kubectl(kc, ['get', 'ns', 'shop']).stderr, /namespaces "shop" not found/);
      assert.equal(kubectlOK(kc, ['get', 'configmaps', '-n', 'shop', '-o', 'name']), '');
    });

    test('a restart on the same data dir keeps every object', async () => {
      kubectlOK(kc, ['create', 'configmap', 'survivor', '-n', 'kube-public', '--from-literal=x=y']);
      const code = await skiff.stop();
      assert.equal(code, 0, `skiff server should exit 0 on SIGTERM:\n${skiff.logs()}`);
      const again = await startSkiff({ dataDir: skiff.dataDir, endpoint: endpoint(), args: ['--disable-agent'] });
      try {
        assert.equal(kubectlOK(again.kubeconfig, ['get', 'configmap', 'survivor', '-n', 'kube-public', '-o', 'jsonpath={.data.x}']), 'y');
        assert.match(kubectlOK(again.kubeconfig, ['get', 'configmap', 'watched', '-n', 'default', '-o', 'name']), /configmap\/watched/);
      } finally {
        await again.stop();
      }
    });
  });
}

kubectlSuite('SQLite', () => undefined);

let etcd: EtcdProcess | undefined;
describe('etcd backend', () => {
  before(async () => {
    etcd = await startEtcd();
  });
  after(async () => {
    await etcd?.stop();
  });
  kubectlSuite('etcd', () => etcd?.endpoint);
});

describe('every kubectl version present', () => {
  let skiff: SkiffProcess;
  before(async () => {
    skiff = await startSkiff();
  });
  after(async () => {
    await skiff.cleanup();
  });
  for (const { version, path } of kubectlVersions()) {
    test(`kubectl ${version}: create, get, delete`, () => {
      const kc = skiff.kubeconfig;
      const ns = `v${version.replace('.', '-')}`;
      // `create -f`: the typed generators (`create configmap`) of kubectl 1.33 send protobuf, which comes with issue 3.
      const manifest = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: ${ns}\ndata:\n  k: v\n`;
      kubectlOK(kc, ['create', '-f', '-'], { bin: path, input: manifest });
      assert.match(kubectlOK(kc, ['get', 'cm', '-n', ns], { bin: path }), /^c\s+1\s+/m);
      assert.equal(kubectlOK(kc, ['get', 'cm', 'c', '-n', ns, '-o', 'jsonpath={.data.k}'], { bin: path }), 'v');
      assert.match(kubectlOK(kc, ['delete', 'namespace', ns], { bin: path }), /deleted/);
    });
  }
});
