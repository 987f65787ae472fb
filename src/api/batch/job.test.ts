import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../meta.js';
import { jobs } from './job.js';

const UID = '0b5e2c4e-1111-4222-8333-944445555666';
const pod = (restartPolicy = 'Never') => ({ spec: { restartPolicy, containers: [{ name: 'c', image: 'busybox:1.36' }] } });
const job = (spec: Record<string, unknown>, labels?: Record<string, string>): KubeObject => {
  const j: KubeObject = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'default', uid: UID, ...(labels ? { labels } : {}) }, spec };
  jobs.defaults?.(j);
  return j;
};
const errors = (j: KubeObject, old?: KubeObject): string[] => (jobs.validate?.(j, old) ?? []).map((e) => `${e.field}: ${e.message}`);
const spec = (j: KubeObject) => j.spec as Record<string, unknown>;

void test('job defaults: counts, backoff, modes, and the selector and labels generated from the uid', () => {
  const j = job({ template: pod() });
  const generated = { 'batch.kubernetes.io/controller-uid': UID, 'batch.kubernetes.io/job-name': 'j', 'controller-uid': UID, 'job-name': 'j' };
  const s = spec(j);
  assert.equal(s.parallelism, 1);
  assert.equal(s.completions, 1);
  assert.equal(s.backoffLimit, 6);
  assert.equal(s.completionMode, 'NonIndexed');
  assert.equal(s.suspend, false);
  assert.equal(s.podReplacementPolicy, 'TerminatingOrFailed');
  assert.equal(s.manualSelector, undefined);
  assert.deepEqual(s.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': UID } });
  assert.deepEqual((s.template as { metadata: unknown }).metadata, { labels: generated });
  assert.deepEqual(j.metadata.labels, generated);
  assert.deepEqual(errors(j), []);
});

void test('job defaults: upstream rules for parallelism and completions, backoff per index, pod failure policy', () => {
  assert.equal(spec(job({ parallelism: 3, template: pod() })).completions, undefined);
  assert.equal(spec(job({ completions: 5, template: pod() })).parallelism, 1);
  const indexed = spec(job({ completions: 3, completionMode: 'Indexed', backoffLimitPerIndex: 1, template: pod() }));
  assert.equal(indexed.backoffLimit, 2147483647);
  const pfp = spec(job({ podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] }, template: pod() }));
  assert.equal(pfp.podReplacementPolicy, 'Failed');
  assert.deepEqual(pfp.podFailurePolicy, { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] });
  const labelled = job({ template: pod() }, { team: 'a' });
  assert.deepEqual(labelled.metadata.labels, { team: 'a' });
});

void test('job validation: restartPolicy, counts and modes with upstream messages', () => {
  assert.deepEqual(errors(job({ template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } })), [
    'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
  ]);
  assert.deepEqual(errors(job({ parallelism: -1, backoffLimit: -2, template: pod('OnFailure') })), [
    'spec.parallelism: Invalid value: -1: must be greater than or equal to 0',
    'spec.backoffLimit: Invalid value: -2: must be greater than or equal to 0',
  ]);
  assert.deepEqual(errors(job({ completionMode: 'Sometimes', template: pod() })), [
    'spec.completionMode: Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed"',
  ]);
  assert.deepEqual(errors(job({ parallelism: 2, completionMode: 'Indexed', template: pod() })), ['spec.completions: Required value: when completion mode is Indexed']);
  assert.deepEqual(errors(job({ podReplacementPolicy: 'Sometimes', template: pod() })), [
    'spec.podReplacementPolicy: Unsupported value: "Sometimes": supported values: "Failed", "TerminatingOrFailed"',
  ]);
});

void test('job validation: generated selector and labels must be intact; manual selectors must match', () => {
  const tampered = job({ template: { metadata: { labels: { 'job-name': 'other' } }, ...pod() } });
  assert.deepEqual(errors(tampered), [
    `spec.template.metadata.labels[job-name]: Invalid value: {"batch.kubernetes.io/controller-uid":"${UID}","batch.kubernetes.io/job-name":"j","controller-uid":"${UID}","job-name":"other"}: must be 'j'`,
  ]);
  const manual = job({ manualSelector: true, selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'y' } }, ...pod() } });
  assert.deepEqual(errors(manual), ['spec.template.metadata.labels: Invalid value: {"app":"y"}: `selector` does not match template `labels`']);
  assert.deepEqual(errors(job({ manualSelector: true, template: pod() })), ['spec.selector: Required value']);
});

void test('job update: selector and template are immutable', () => {
  const old = job({ template: pod() });
  const next = structuredClone(old);
  (spec(next).template as { spec: { containers: { image: string }[] } }).spec.containers[0]!.image = 'busybox:1.37';
  const msgs = errors(next, old);
  assert.equal(msgs.length, 1);
  assert.match(msgs[0] ?? '', /^spec\.template: Invalid value: .*: field is immutable$/);
  const parallel = structuredClone(old);
  spec(parallel).parallelism = 4;
  assert.deepEqual(errors(parallel, old), []);
});

void test('job field selector status.successful', () => {
  const j = job({ template: pod() });
  const successful = jobs.fieldSelectors['status.successful'];
  assert.ok(successful);
  assert.equal(successful(j), '0');
  j.status = { succeeded: 2 };
  assert.equal(successful(j), '2');
});
