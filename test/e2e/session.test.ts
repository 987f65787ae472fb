import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { kubectl, kubectlOK, kubectlVersions } from '../support/kubectl.js';
import { startSkiff, type SkiffProcess } from '../support/skiff.js';

// What a user types in a first hour with kubectl, for every kubectl version
// present (1.27…1.33), against one skiff server: each version works in its
// own namespace. Each step asserts what upstream prints.

describe('a scripted kubectl session, for every kubectl version', () => {
  let skiff: SkiffProcess;
  let dir: string;
  before(async () => {
    // The session reads counts of a Deployment whose pods never run: no node (no embedded agent) to run them.
    skiff = await startSkiff({ args: ['--disable-agent'] });
    dir = mkdtempSync(join(tmpdir(), 'skiff-session-'));
    // KUBE_EDITOR: kubectl edit runs it on a temporary copy of the object.
    const editor = join(dir, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i -e \'s/^  level: debug$/  level: trace/\' -e \'s/^    owner: team-a$/    owner: team-b/\' "$1"\n');
    chmodSync(editor, 0o755);
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await skiff.cleanup();
  });

  for (const { version, path } of kubectlVersions()) {
    test(`kubectl ${version}`, () => {
      const ns = `s-${version.replace('.', '-')}`;
      const kc = skiff.kubeconfig;
      const env = { KUBE_EDITOR: join(dir, 'editor.sh'), KUBECACHEDIR: join(dir, `cache-${version}`) };
      const run = (args: string[], input?: string) => kubectl(kc, args, { bin: path, env, ...(input === undefined ? {} : { input }) });
      const ok = (args: string[], input?: string) => kubectlOK(kc, args, { bin: path, env, ...(input === undefined ? {} : { input }) });
      const n = ['-n', ns];

      // create: the typed generators (protobuf bodies from 1.32 on).
      assert.equal(ok(['create', 'namespace', ns]), `namespace/${ns} created\n`);
      assert.equal(ok(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2', '--port=80', ...n]), 'deployment.apps/web created\n');
      assert.equal(ok(['create', 'service', 'clusterip', 'web', '--tcp=80:8080', ...n]), 'service/web created\n');
      assert.equal(ok(['create', 'configmap', 'settings', '--from-literal=level=debug', ...n]), 'configmap/settings created\n');
      assert.equal(ok(['create', 'secret', 'generic', 'creds', '--from-literal=password=s3cret', ...n]), 'secret/creds created\n');
      assert.equal(ok(['create', 'job', 'hello', '--image=busybox:1.36', ...n, '--', 'echo', 'hi']), 'job.batch/hello created\n');

      // get in every output format.
      // UP-TO-DATE is 0 until the Deployment controller has made its ReplicaSet; no kubelet makes a pod ready.
      assert.match(ok(['get', 'deploy', 'web', ...n]), /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+0\/2\s+[02]\s+0\s+\d+s\n$/);
      assert.match(ok(['get', 'deploy', 'web', '-o', 'wide', ...n]), /^web\s+0\/2\s+[02]\s+0\s+\d+s\s+nginx\s+nginx:1\.27\s+app=web$/m);
      assert.match(ok(['get', 'svc', 'web', ...n]), /^web\s+ClusterIP\s+10\.43\.\d+\.\d+\s+<none>\s+80\/TCP\s+\d+s$/m);
      assert.equal(ok(['get', 'deploy,svc,cm,secret,job', '-o', 'name', ...n]).split('\n').filter((l) => !l.includes('kube-root-ca')).join('\n'), 'deployment.apps/web\nservice/web\nconfigmap/settings\nsecret/creds\njob.batch/hello\n');
      const deploy = JSON.parse(ok(['get', 'deploy', 'web', '-o', 'json', ...n])) as { spec: { replicas: number; template: { spec: { containers: { ports: { containerPort: number }[] }[] } } } };
      assert.equal(deploy.spec.replicas, 2);
      assert.equal(deploy.spec.template.spec.containers[0]?.ports[0]?.containerPort, 80);
      assert.match(ok(['get', 'cm', 'settings', '-o', 'yaml', ...n]), /^data:\n {2}level: debug\nkind: ConfigMap\n/m);
      assert.equal(ok(['get', 'secret', 'creds', '-o', 'jsonpath={.data.password}', ...n]), Buffer.from('s3cret').toString('base64'));
      assert.equal(ok(['get', 'job', 'hello', '-o', 'custom-columns=NAME:.metadata.name,CMD:.spec.template.spec.containers[0].command[*]', ...n]), 'NAME    CMD\nhello   echo,hi\n');

      // label and annotate.
      assert.equal(ok(['label', 'cm', 'settings', 'owner=team-a', ...n]), 'configmap/settings labeled\n');
      // kubectl 1.27 itself prints "annotate" (its own wording; no server involved).
      assert.match(ok(['annotate', 'cm', 'settings', 'note=first', ...n]), /^configmap\/settings annotated?\n$/);
      assert.equal(ok(['get', 'cm', '-l', 'owner=team-a', '-o', 'name', ...n]), 'configmap/settings\n');

      // edit through $KUBE_EDITOR: a data value and a label.
      assert.equal(ok(['edit', 'cm', 'settings', ...n]), 'configmap/settings edited\n');
      assert.equal(ok(['get', 'cm', 'settings', '-o', 'jsonpath={.data.level} {.metadata.labels.owner}', ...n]), 'trace team-b');

      // patch: JSON, merge and strategic (containers merged by name).
      assert.equal(ok(['patch', 'cm', 'settings', '--type=json', '-p', '[{"op":"add","path":"/data/extra","value":"1"}]', ...n]), 'configmap/settings patched\n');
      assert.equal(ok(['patch', 'cm', 'settings', '--type=merge', '-p', '{"data":{"extra":null,"mode":"fast"}}', ...n]), 'configmap/settings patched\n');
      assert.equal(ok(['get', 'cm', 'settings', '-o', 'jsonpath={.data}', ...n]), '{"level":"trace","mode":"fast"}');
      assert.equal(ok(['patch', 'deploy', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}}', ...n]), 'deployment.apps/web patched\n');
      assert.equal(ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[*].image} {.spec.template.spec.containers[0].ports[0].containerPort}', ...n]), 'nginx:1.28 80');
      assert.equal(ok(['patch', 'deploy', 'web', '--type=strategic', '-p', '{"spec":{"replicas":2}}', ...n]), 'deployment.apps/web patched (no change)\n');

      // apply and diff.
      const manifest = (image: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: ${ns}\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n      - name: api\n        image: ${image}\n`;
      assert.equal(ok(['apply', '-f', '-'], manifest('api:1')), 'deployment.apps/api created\n');
      const diff = run(['diff', '-f', '-'], manifest('api:2'));
      assert.equal(diff.code, 1, diff.stderr);
      assert.match(diff.stdout, /^-\s+- image: api:1$/m);
      assert.match(diff.stdout, /^\+\s+- image: api:2$/m);
      assert.equal(ok(['apply', '-f', '-'], manifest('api:2')), 'deployment.apps/api configured\n');
      assert.equal(run(['diff', '-f', '-'], manifest('api:2')).code, 0);

      // --dry-run=server: answered as if done, nothing stored.
      assert.equal(ok(['create', 'configmap', 'ghost', '--from-literal=a=b', '--dry-run=server', ...n]), 'configmap/ghost created (server dry run)\n');
      assert.equal(ok(['apply', '--dry-run=server', '-f', '-'], manifest('api:3')), 'deployment.apps/api configured (server dry run)\n');
      assert.equal(ok(['delete', 'cm', 'settings', '--dry-run=server', ...n]), 'configmap "settings" deleted (server dry run)\n');
      assert.match(run(['get', 'cm', 'ghost', ...n]).stderr, /NotFound/);
      assert.equal(ok(['get', 'deploy', 'api', '-o', 'jsonpath={.spec.template.spec.containers[0].image}', ...n]), 'api:2');
      assert.equal(ok(['get', 'cm', 'settings', '-o', 'name', ...n]), 'configmap/settings\n');

      // describe (the counts move as the Deployment controller rolls out; no kubelet makes a pod available).
      const described = ok(['describe', 'deploy', 'web', ...n]);
      for (const re of [/^Name:\s+web$/m, new RegExp(`^Namespace:\\s+${ns}$`, 'm'), /^Replicas:\s+2 desired \| \d+ updated \| \d+ total \| 0 available \| \d+ unavailable$/m, /^\s+Image:\s+nginx:1\.28$/m])
        assert.match(described, re);
      assert.match(ok(['describe', 'svc', 'web', ...n]), /^Type:\s+ClusterIP$/m);

      // discovery and auth.
      const resources = ok(['api-resources']);
      assert.match(resources, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
      assert.match(resources, /^selfsubjectaccessreviews\s+authorization\.k8s\.io\/v1\s+false\s+SelfSubjectAccessReview$/m);
      const versions = ok(['api-versions']).split('\n');
      for (const v of ['v1', 'apps/v1', 'batch/v1', 'authorization.k8s.io/v1', 'authentication.k8s.io/v1']) assert.ok(versions.includes(v), `api-versions lacks ${v}`);
      assert.equal(ok(['auth', 'can-i', 'create', 'pods', ...n]), 'yes\n');
      assert.equal(ok(['auth', 'can-i', 'delete', 'deployments.apps', '--all-namespaces']), 'yes\n');
      assert.match(ok(['auth', 'can-i', '--list', ...n]), /^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
      assert.match(ok(['auth', 'whoami']), /^Username\s+system:admin\nGroups\s+\[system:masters system:authenticated\]$/m);
      assert.match(ok(['explain', 'deployment.spec.replicas']), /replicas\s*<integer>/);

      // delete.
      assert.equal(ok(['delete', 'job', 'hello', ...n]), 'job.batch "hello" deleted\n');
      assert.equal(ok(['delete', 'deploy', '--all', ...n]), 'deployment.apps "api" deleted\ndeployment.apps "web" deleted\n');
      assert.equal(ok(['delete', 'namespace', ns]), `namespace "${ns}" deleted\n`);
      assert.match(run(['get', 'ns', ns]).stderr, /NotFound/);
    });
  }
});
