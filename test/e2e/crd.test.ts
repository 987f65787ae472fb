import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { kubectl, kubectlOK, kubectlVersions } from '../support/kubectl.js';
import { startSkiff, type SkiffProcess } from '../support/skiff.js';

// A CustomResourceDefinition and its custom resources driven by every
// kubectl from 1.27 to 1.33, as a user would: YAML applied, the CRD waited
// for, custom resources listed, explained, scaled and removed with it.

/** A CRD in a group of its own, so each kubectl version starts afresh. */
const crdYAML = (group: string) => `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.${group}
spec:
  group: ${group}
  scope: Namespaced
  names: { plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct], categories: [all] }
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            description: What to run and when.
            properties:
              cronSpec: { type: string, description: The schedule in cron format. }
              image: { type: string }
              replicas: { type: integer, minimum: 0, default: 1 }
            required: [image]
          status:
            type: object
            properties: { replicas: { type: integer }, selector: { type: string } }
    subresources:
      status: {}
      scale: { specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas, labelSelectorPath: .status.selector }
    additionalPrinterColumns:
    - { name: Spec, type: string, jsonPath: .spec.cronSpec }
    - { name: Replicas, type: integer, jsonPath: .spec.replicas }
    - { name: Image, type: string, jsonPath: .spec.image, priority: 1 }
    - { name: Age, type: date, jsonPath: .metadata.creationTimestamp }
`;

const crYAML = (group: string) => `
apiVersion: ${group}/v1
kind: CronTab
metadata: { name: nightly }
spec: { cronSpec: "0 3 * * *", image: "backup:1" }
---
apiVersion: ${group}/v1
kind: CronTab
metadata: { name: hourly }
spec: { cronSpec: "0 * * * *", image: "sync:2", replicas: 2 }
`;

describe('custom resources through real kubectl', () => {
  let skiff: SkiffProcess;
  before(async () => {
    skiff = await startSkiff();
  });
  after(async () => {
    await skiff.cleanup();
  });

  for (const { version, path } of kubectlVersions()) {
    test(`kubectl ${version}: apply a CRD and custom resources, get, explain, scale, delete`, () => {
      const kc = skiff.kubeconfig;
      const run = (args: string[], input?: string) => kubectlOK(kc, args, { bin: path, ...(input === undefined ? {} : { input }) });
      const group = `v${version.replace('.', '-')}.example.com`;
      const crd = `crontabs.${group}`;
      assert.match(run(['apply', '-f', '-'], crdYAML(group)), new RegExp(`customresourcedefinition.apiextensions.k8s.io/${crd.replace(/\./g, '\\.')} created`));
      assert.match(run(['wait', '--for', 'condition=established', `crd/${crd}`, '--timeout=30s']), /condition met/);
      assert.match(run(['apply', '-f', '-'], crYAML(group)), /crontab\.[^ ]+\/nightly created/);

      const table = run(['get', 'crontabs']);
      assert.match(table, /^NAME\s+SPEC\s+REPLICAS\s+AGE$/m);
      assert.match(table, /^nightly\s+0 3 \* \* \*\s+1\s+\d+s$/m);
      assert.match(table, /^hourly\s+0 \* \* \* \*\s+2\s+\d+s$/m);
      const wide = run(['get', 'ct', '-o', 'wide']);
      assert.match(wide, /^NAME\s+SPEC\s+REPLICAS\s+IMAGE\s+AGE$/m);
      assert.match(wide, /^nightly\s+0 3 \* \* \*\s+1\s+backup:1\s+/m);
      assert.match(run(['get', 'all']), /crontab\.[^/]+\/nightly/);
      assert.match(run(['get', 'crd', crd]), new RegExp(`^NAME\\s+CREATED AT\\n${crd.replace(/\./g, '\\.')}\\s+\\d{4}-`, 'm'));

      const explain = run(['explain', 'crontab.spec']);
      assert.match(explain, /KIND:\s+CronTab/);
      assert.match(explain, /What to run and when\./);
      assert.match(explain, /cronSpec\s+<string>/);
      assert.match(explain, /image\s+<string> -required-/);

      assert.match(run(['scale', 'ct', 'nightly', '--replicas=3']), /scaled/);
      assert.equal(run(['get', 'ct', 'nightly', '-o', 'jsonpath={.spec.replicas}']), '3');

      const bad = kubectl(kc, ['apply', '-f', '-'], { bin: path, input: `apiVersion: ${group}/v1\nkind: CronTab\nmetadata: { name: bad }\nspec: { image: x, replicas: three }\n` });
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /spec\.replicas: Invalid value: "string": spec\.replicas in body must be of type integer: "string"/);

      assert.match(run(['delete', 'crd', crd]), /deleted/);
      const gone = kubectl(kc, ['get', `crontabs.${group}`], { bin: path });
      assert.notEqual(gone.code, 0);
    });
  }
});
