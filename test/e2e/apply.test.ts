import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { kubectl, kubectlOK, kubectlVersions } from '../support/kubectl.js';
import { startSkiff, type SkiffProcess } from '../support/skiff.js';

// Server-side apply, server-side field validation and explain, as each
// kubectl version present drives them.

const deployment = (ns: string, replicas: number, image: string, extra = '') => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: ${ns}, labels: { app: web } }
spec:
  replicas: ${String(replicas)}
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
      - name: web
        image: ${image}
        ports: [{ containerPort: 80 }]
${extra}`;

describe('apply --server-side, field validation and explain, every kubectl version', () => {
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
      const ns = `ssa-${version.replace('.', '-')}`;
      const ok = (args: string[], input?: string) => kubectlOK(kc, ['-n', ns, ...args], { bin: path, ...(input === undefined ? {} : { input }) });
      const run = (args: string[], input?: string) => kubectl(kc, ['-n', ns, ...args], { bin: path, ...(input === undefined ? {} : { input }) });
      kubectlOK(kc, ['create', 'namespace', ns], { bin: path });

      assert.match(ok(['apply', '--server-side', '-f', '-'], deployment(ns, 2, 'nginx:1', '        env: [{ name: A, value: "1" }]')), /deployment\.apps\/web serverside-applied/);
      assert.equal(ok(['get', 'deployment', 'web', '-o', 'jsonpath={.metadata.managedFields[0].manager} {.metadata.managedFields[0].operation}']), 'kubectl Apply');
      // Re-applied with the env gone and a new image: the env goes, the port stays.
      ok(['apply', '--server-side', '-f', '-'], deployment(ns, 2, 'nginx:2'));
      assert.equal(ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].env} {.spec.template.spec.containers[0].ports[0].containerPort}']), 'nginx:2  80');

      // Another manager takes replicas; applying a different value conflicts until forced.
      ok(['scale', 'deployment', 'web', '--replicas=4']);
      const conflict = run(['apply', '--server-side', '-f', '-'], deployment(ns, 3, 'nginx:2'));
      assert.notEqual(conflict.code, 0);
      assert.match(conflict.stderr, /Apply failed with 1 conflict: conflict with "kubectl[^"]*"( using apps\/v1)?: \.spec\.replicas/);
      assert.equal(ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}']), '4');
      ok(['apply', '--server-side', '--force-conflicts', '-f', '-'], deployment(ns, 3, 'nginx:2'));
      assert.equal(ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}']), '3');

      // Dry run: answered, not stored.
      ok(['apply', '--server-side', '--dry-run=server', '-f', '-'], deployment(ns, 9, 'nginx:2'));
      assert.equal(ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}']), '3');

      // From client-side to server-side apply: a changed value conflicts with the client-side manager,
      // as upstream; the same value is taken over (kubectl migrates the managed fields with a JSON
      // patch), after which changes apply.
      const cm = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: conf, namespace: ${ns} }\ndata: { a: "1" }\n`;
      ok(['apply', '-f', '-'], cm);
      assert.match(run(['apply', '--server-side', '-f', '-'], cm.replace('"1"', '"2"')).stderr, /conflict with "kubectl-client-side-apply" using v1: \.data\.a/);
      ok(['apply', '--server-side', '-f', '-'], cm);
      assert.doesNotMatch(ok(['get', 'configmap', 'conf', '-o', 'jsonpath={.metadata.managedFields[*].manager}']), /kubectl-client-side-apply/);
      ok(['apply', '--server-side', '-f', '-'], cm.replace('"1"', '"2"'));
      assert.equal(ok(['get', 'configmap', 'conf', '-o', 'jsonpath={.data.a}']), '2');

      // Prune with server-side apply (kubectl allows it only through an ApplySet): what the set no longer holds goes.
      const pruned = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name}, namespace: ${ns} }\ndata: { k: v }\n`;
      process.env.KUBECTL_APPLYSET = 'true';
      try {
        ok(['apply', '--server-side', '--prune', '--applyset=shop', '-f', '-'], `${pruned('keep')}---\n${pruned('drop')}`);
        assert.match(ok(['apply', '--server-side', '--prune', '--applyset=shop', '-f', '-'], pruned('keep')), /configmap\/drop pruned/);
      } finally {
        delete process.env.KUBECTL_APPLYSET;
      }
      assert.equal(ok(['get', 'configmaps', '-l', 'applyset.kubernetes.io/part-of', '-o', 'name']).trim(), 'configmap/keep');

      // Strict field validation, kubectl's default.
      const bad = run(['apply', '-f', '-'], `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: bad, namespace: ${ns} }\ndat: { a: b }\n`);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "dat"/);
      const warned = run(['create', '--validate=warn', '-f', '-'], `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: warned, namespace: ${ns} }\ndat: { a: b }\n`);
      assert.equal(warned.code, 0, warned.stderr);
      assert.match(warned.stderr, /Warning: unknown field "dat"/);

      // explain walks the published schemas.
      const explained = ok(['explain', 'deployment.spec.template.spec.containers.ports']);
      assert.match(explained, /KIND:\s+Deployment/);
      assert.match(explained, /containerPort\s+<integer>/);
      assert.match(ok(['explain', 'pods.spec']), /containers\s+<\[\]Container>/);
    });
  }
});
