import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../meta.js';
import { pods } from './pod.js';
import { imageTag } from './pod-defaults.js';
import { POD_UPDATE_FORBIDDEN } from './pod-update.js';

const pod = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default' },
  spec,
});
const defaulted = (spec: Record<string, unknown>): KubeObject => {
  const p = pod(structuredClone(spec));
  pods.defaults?.(p);
  return p;
};
const errors = (p: KubeObject, old?: KubeObject): string[] =>
  (pods.validate?.(p, old) ?? []).map((e) => `${e.field}: ${e.message}`);

void test('image tags decide the pull policy', () => {
  assert.equal(imageTag('nginx'), 'latest');
  assert.equal(imageTag('nginx:1.25'), '1.25');
  assert.equal(imageTag('localhost:5000/app'), 'latest');
  assert.equal(imageTag('localhost:5000/app:v1'), 'v1');
  assert.equal(imageTag('app@sha256:abc'), '');
});

void test('pod defaults as upstream (schema and admission)', () => {
  const p = defaulted({ containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }] }, { name: 'd', image: 'busybox:1.36' }] });
  const spec = p.spec as Record<string, unknown>;
  assert.equal(spec.restartPolicy, 'Always');
  assert.equal(spec.dnsPolicy, 'ClusterFirst');
  assert.equal(spec.terminationGracePeriodSeconds, 30);
  assert.equal(spec.schedulerName, 'default-scheduler');
  assert.deepEqual(spec.securityContext, {});
  assert.equal(spec.enableServiceLinks, true);
  assert.equal(spec.serviceAccountName, 'default');
  assert.equal(spec.serviceAccount, 'default');
  // Priority admission (which reads PriorityClasses) sets these, not defaulting.
  assert.equal(spec.priority, undefined);
  assert.deepEqual(spec.tolerations, [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ]);
  assert.deepEqual(spec.containers, [
    {
      name: 'c', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }],
      terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'Always',
    },
    {
      name: 'd', image: 'busybox:1.36',
      terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent',
    },
  ]);
  assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'BestEffort' });
  assert.deepEqual(errors(p), []);
});

void test('a pod that already tolerates not-ready keeps its own toleration', () => {
  const own = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 };
  const spec = defaulted({ containers: [{ name: 'c', image: 'x' }], tolerations: [own] }).spec as Record<string, unknown>;
  assert.deepEqual((spec.tolerations as unknown[]).length, 2);
  assert.deepEqual((spec.tolerations as unknown[])[0], own);
});

void test('DefaultTolerationSeconds leaves alone a pod with its own NoExecute toleration of the key, whatever its operator', () => {
  const own = [
    { key: 'node.kubernetes.io/unreachable', operator: 'Equal', effect: 'NoExecute', tolerationSeconds: 2 },
    { key: 'node.kubernetes.io/not-ready', operator: 'Equal', effect: 'NoExecute', tolerationSeconds: 2 },
  ];
  const spec = defaulted({ containers: [{ name: 'c', image: 'x' }], tolerations: own }).spec as Record<string, unknown>;
  assert.deepEqual(spec.tolerations, own);
  // A toleration of every key and effect covers both.
  const all = defaulted({ containers: [{ name: 'c', image: 'x' }], tolerations: [{ operator: 'Exists' }] }).spec as Record<string, unknown>;
  assert.deepEqual(all.tolerations, [{ operator: 'Exists' }]);
});

void test('pod validation messages', () => {
  assert.deepEqual(errors(defaulted({})), ['spec.containers: Required value']);
  assert.deepEqual(errors(defaulted({ containers: [{ name: 'Web', image: '' }] })), [
    "spec.containers[0].name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    'spec.containers[0].image: Required value',
  ]);
  assert.deepEqual(errors(defaulted({ containers: [{ name: 'a', image: 'x' }, { name: 'a', image: 'y' }] })), [
    'spec.containers[1].name: Duplicate value: "a"',
  ]);
  assert.deepEqual(errors(defaulted({ restartPolicy: 'Sometimes', containers: [{ name: 'a', image: 'x' }] })), [
    'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
  ]);
  assert.deepEqual(errors(defaulted({ containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 70000, protocol: 'HTTP' }] }] })), [
    'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
  ]);
  assert.deepEqual(errors(defaulted({ containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'v', mountPath: '/v' }] }] })), [
    'spec.containers[0].volumeMounts[0].name: Not found: "v"',
  ]);
});

void test('pod updates may change only images, deadlines, added tolerations', () => {
  const old = defaulted({ containers: [{ name: 'a', image: 'x:1' }] });
  old.metadata.resourceVersion = '1';
  const next = structuredClone(old);
  (next.spec as { containers: { image: string }[] }).containers[0]!.image = 'x:2';
  assert.deepEqual(errors(next, old), []);
  const added = structuredClone(old);
  (added.spec as { tolerations: unknown[] }).tolerations.push({ key: 'k', operator: 'Exists' });
  assert.deepEqual(errors(added, old), []);
  const bad = structuredClone(old);
  (bad.spec as Record<string, unknown>).restartPolicy = 'Never';
  const errs = pods.validate?.(bad, old) ?? [];
  assert.equal(errs.length, 1);
  const e = errs[0]!;
  assert.equal(e.field, 'spec');
  assert.equal(e.type, 'FieldValueForbidden');
  assert.equal(
    POD_UPDATE_FORBIDDEN,
    'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
  );
  assert.ok(e.message.startsWith(`Forbidden: ${POD_UPDATE_FORBIDDEN}\n`));
  assert.ok(e.message.includes('restartPolicy: "Never"'));
  const removed = structuredClone(old);
  (removed.spec as { tolerations: unknown[] }).tolerations.pop();
  assert.deepEqual(errors(removed, old), [
    'spec.tolerations[1]: Forbidden: existing toleration can not be modified except its tolerationSeconds',
  ]);
});

void test('pod field selectors read the upstream fields', () => {
  const p = defaulted({ nodeName: 'n1', containers: [{ name: 'a', image: 'x' }] });
  p.status = { phase: 'Running', podIPs: [{ ip: '10.42.0.5' }] };
  const get = (f: string): string | undefined => pods.fieldSelectors[f]?.(p);
  assert.equal(get('spec.nodeName'), 'n1');
  assert.equal(get('spec.hostNetwork'), 'false');
  assert.equal(get('status.phase'), 'Running');
  assert.equal(get('status.podIP'), '10.42.0.5');
  assert.equal(get('spec.restartPolicy'), 'Always');
  assert.equal(get('status.nominatedNodeName'), '');
});
