import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../meta.js';
import { eventFromCore, eventToCore, validateEventsV1 } from './index.js';

const v1Event = (extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name: 'web.1', namespace: 'default' },
  eventTime: '2026-01-01T00:00:00.000000Z',
  reportingController: 'example.com/ctl',
  reportingInstance: 'ctl-1',
  action: 'Scaling',
  reason: 'Scaled',
  note: 'scaled to 3',
  type: 'Normal',
  regarding: { kind: 'Deployment', namespace: 'default', name: 'web', uid: 'u1', apiVersion: 'apps/v1' },
  related: { kind: 'ReplicaSet', namespace: 'default', name: 'web-1' },
  series: { count: 2, lastObservedTime: '2026-01-01T00:01:00.000000Z' },
  ...extra,
});

const messages = (obj: KubeObject, old?: KubeObject) => validateEventsV1(obj, old).map((e) => `${e.field}: ${e.message}`);

void test('events.k8s.io/v1 ↔ core/v1: renamed fields map both ways', () => {
  const core = eventToCore(v1Event({ deprecatedSource: { component: 'c' }, deprecatedCount: 3, deprecatedFirstTimestamp: '2026-01-01T00:00:00Z', deprecatedLastTimestamp: '2026-01-01T00:02:00Z' }));
  assert.equal(core.apiVersion, 'v1');
  const c = core as unknown as Record<string, unknown>;
  assert.equal(c.message, 'scaled to 3');
  assert.deepEqual(c.involvedObject, { kind: 'Deployment', namespace: 'default', name: 'web', uid: 'u1', apiVersion: 'apps/v1' });
  assert.equal(c.reportingComponent, 'example.com/ctl');
  assert.deepEqual(c.source, { component: 'c' });
  assert.equal(c.count, 3);
  assert.equal(c.firstTimestamp, '2026-01-01T00:00:00Z');
  assert.equal(c.lastTimestamp, '2026-01-01T00:02:00Z');
  assert.deepEqual(c.series, { count: 2, lastObservedTime: '2026-01-01T00:01:00.000000Z' });
  assert.equal(c.note, undefined);
  const back = eventFromCore(core);
  assert.deepEqual(back, v1Event({ deprecatedSource: { component: 'c' }, deprecatedCount: 3, deprecatedFirstTimestamp: '2026-01-01T00:00:00Z', deprecatedLastTimestamp: '2026-01-01T00:02:00Z' }));
});

void test('a legacy core Event reads as events.k8s.io/v1 with eventTime null', () => {
  const e = eventFromCore({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'x', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'p' }, message: 'hi', count: 2, source: { component: 'kubelet' } });
  assert.deepEqual(e, { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'x', namespace: 'default' }, regarding: { kind: 'Pod', name: 'p' }, note: 'hi', deprecatedCount: 2, deprecatedSource: { component: 'kubelet' }, eventTime: null });
});

void test('create validation: the strict rules of the new API', () => {
  assert.deepEqual(messages(v1Event()), []);
  assert.deepEqual(messages(v1Event({ eventTime: undefined, type: 'Info', deprecatedCount: 1, deprecatedSource: { host: 'h' }, series: { count: 1 } })), [
    'series.count: Invalid value: "": should be at least 2',
    'series.lastObservedTime: Required value',
    'eventTime: Required value',
    'type: Invalid value: "": has invalid value: Info',
    'deprecatedCount: Invalid value: "": needs to be unset',
    'deprecatedSource: Invalid value: "": needs to be unset',
  ]);
  assert.deepEqual(messages(v1Event({ reportingController: '', action: '' })), [
    'reportingController: Required value',
    'reportingController: Invalid value: "": name part must be non-empty',
    "reportingController: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    'action: Required value',
  ]);
});

void test('update validation: most fields are immutable', () => {
  const old = v1Event();
  assert.deepEqual(messages(v1Event({ series: { count: 3, lastObservedTime: '2026-01-01T00:05:00.000000Z' } }), old), []);
  assert.deepEqual(messages(v1Event({ note: 'changed' }), old), ['message: Invalid value: "changed": field is immutable']);
});
