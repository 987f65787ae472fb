import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../meta.js';
import { priorityClasses, resolvePodPriority, type PriorityClass } from './priorityclass.js';

const pc = (name: string, value: number, extra: Partial<PriorityClass> = {}): PriorityClass => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra });
const validate = (o: KubeObject, old?: KubeObject) => (priorityClasses.validate?.(o, old) ?? []).map((e) => `${e.field}: ${e.message}`);

void test('PriorityClass defaults preemptionPolicy to PreemptLowerPriority', () => {
  const o = pc('high', 10);
  priorityClasses.defaults?.(o);
  assert.equal(o.preemptionPolicy, 'PreemptLowerPriority');
});

void test('PriorityClass validation: user value ceiling, reserved system- names, immutable value', () => {
  assert.deepEqual(validate(pc('ok', 1_000_000_000)), []);
  assert.deepEqual(validate(pc('big', 1_000_000_001)), ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']);
  assert.deepEqual(validate(pc('system-node-critical', 2000001000)), []);
  assert.deepEqual(validate(pc('system-foo', 5)), ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-foo is not a known system priority class"]);
  assert.deepEqual(validate(pc('system-cluster-critical', 7)), ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-cluster-critical PriorityClass must be 2000000000"]);
  assert.deepEqual(validate(pc('x', 2), pc('x', 1)), ['value: Forbidden: may not be changed in an update.']);
  assert.equal(validate(pc('x', 1, { preemptionPolicy: 'Sometimes' })).length, 1);
});

void test('pod priority: named class, global default (lowest wins), or 0; mismatches refused', () => {
  const all = [pc('high', 1000, { preemptionPolicy: 'Never' }), pc('d1', 50, { globalDefault: true }), pc('d2', 40, { globalDefault: true })];
  const find = (n: string) => all.find((c) => c.metadata.name === n);
  assert.deepEqual(resolvePodPriority({ priorityClassName: 'high' }, find, () => all), { ok: true, priorityClassName: 'high', priority: 1000, preemptionPolicy: 'Never' });
  assert.deepEqual(resolvePodPriority({}, find, () => all), { ok: true, priorityClassName: 'd2', priority: 40, preemptionPolicy: 'PreemptLowerPriority' });
  assert.deepEqual(resolvePodPriority({}, find, () => []), { ok: true, priorityClassName: '', priority: 0, preemptionPolicy: 'PreemptLowerPriority' });
  assert.deepEqual(resolvePodPriority({ priorityClassName: 'nope' }, find, () => all), { ok: false, message: 'no PriorityClass with name nope was found' });
  const r = resolvePodPriority({ priorityClassName: 'high', priority: 5 }, find, () => all);
  assert.equal(r.ok ? '' : r.message, 'the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name');
});
