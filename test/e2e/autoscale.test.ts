import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { kubectlOK, kubectlVersions } from '../support/kubectl.js';
import { startSkiff, type SkiffProcess } from '../support/skiff.js';

// `kubectl autoscale` (autoscaling/v1 up to 1.32, v2 from 1.33; protobuf
// bodies from 1.32), `get hpa`, and `describe` listing the object's Events,
// with every kubectl version present.

const manifest = (ns: string) => `
apiVersion: v1
kind: Namespace
metadata: { name: ${ns} }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: ${ns} }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: nginx }] }
---
apiVersion: v1
kind: Pod
metadata: { name: solo, namespace: ${ns} }
spec: { containers: [{ name: c, image: nginx }] }
`;

/** A core/v1 Event about one object, as a controller would record it. */
const event = (ns: string, name: string, about: { kind: string; apiVersion: string; name: string; uid: string }, reason: string, message: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: ns },
    involvedObject: { ...about, namespace: ns },
    reason,
    message,
    type: 'Normal',
    source: { component: 'e2e-test' },
    count: 1,
    firstTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    lastTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  });

describe('autoscale, get hpa and describe with events, every kubectl version', () => {
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
      const ns = `hpa-${version.replace('.', '-')}`;
      const run = (args: string[], input?: string) => kubectlOK(kc, ['-n', ns, ...args], { bin: path, ...(input === undefined ? {} : { input }) });
      kubectlOK(kc, ['create', '-f', '-'], { bin: path, input: manifest(ns) });

      assert.match(run(['autoscale', 'deployment', 'web', '--min=2', '--max=5', '--cpu-percent=80']), /^horizontalpodautoscaler\.autoscaling\/web autoscaled$/m);
      const table = run(['get', 'hpa']);
      assert.match(table, /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$/m);
      // REPLICAS follows the Deployment's status as its controller creates pods (0, then 1, then minPods).
      assert.match(table, /^web\s+Deployment\/web\s+cpu: <unknown>\/80%\s+2\s+5\s+[0-2]\s+\d+s$/m);
      // The same object through both versions.
      assert.equal(run(['get', 'horizontalpodautoscalers.v1.autoscaling', 'web', '-o', 'jsonpath={.spec.targetCPUUtilizationPercentage}']), '80');
      assert.equal(run(['get', 'horizontalpodautoscalers.v2.autoscaling', 'web', '-o', 'jsonpath={.spec.metrics[0].resource.target.averageUtilization}']), '80');

      const uid = (kind: string, name: string) => run(['get', kind, name, '-o', 'jsonpath={.metadata.uid}']);
      const targets = [
        { resource: 'deployment', about: { kind: 'Deployment', apiVersion: 'apps/v1', name: 'web', uid: uid('deployment', 'web') }, reason: 'ScalingReplicaSet', message: 'Scaled up replica set web-1 to 1' },
        { resource: 'hpa', about: { kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v2', name: 'web', uid: uid('hpa', 'web') }, reason: 'SuccessfulRescale', message: 'New size: 2; reason: below min' },
        { resource: 'pod', about: { kind: 'Pod', apiVersion: 'v1', name: 'solo', uid: uid('pod', 'solo') }, reason: 'Scheduled', message: 'Successfully assigned solo' },
      ];
      targets.forEach((t, i) => run(['create', '-f', '-'], event(ns, `ev-${i}`, t.about, t.reason, t.message)));
      for (const t of targets) {
        const out = run(['describe', t.resource, t.about.name]);
        const events = out.slice(out.indexOf('Events:'));
        assert.match(events, /Type\s+Reason\s+Age\s+From\s+Message/, `${t.resource}: ${out}`);
        assert.match(events, new RegExp(`Normal\\s+${t.reason}\\s+\\S+\\s+e2e-test\\s+${t.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
        for (const other of targets.filter((o) => o !== t)) assert.ok(!events.includes(other.reason), `${t.resource} lists ${other.reason}`);
      }
      const newEvents = run(['get', 'events.v1.events.k8s.io']);
      assert.match(newEvents, /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/m);
      assert.match(newEvents, /\s+Normal\s+SuccessfulRescale\s+horizontalpodautoscaler\/web\s+New size: 2; reason: below min$/m);
      kubectlOK(kc, ['delete', 'namespace', ns], { bin: path });
    });
  }
});
