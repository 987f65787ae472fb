import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../meta.js';
import { controllerRevisions } from './controllerrevision.js';
import { errors } from './testing.js';

const revision = (fields: Record<string, unknown>): KubeObject => ({ apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'web-5d8f', namespace: 'default' }, ...fields });

void test('controllerrevision: data is mandatory, revision ≥ 0', () => {
  assert.deepEqual(errors(controllerRevisions, revision({ data: { spec: {} }, revision: 1 })), []);
  assert.deepEqual(errors(controllerRevisions, revision({ revision: -1 })), [
    'data: Required value: data is mandatory',
    'revision: Invalid value: -1: must be greater than or equal to 0',
  ]);
});

void test('controllerrevision: data is immutable, revision may change', () => {
  const old = revision({ data: { spec: { a: 1 } }, revision: 1 });
  assert.deepEqual(errors(controllerRevisions, revision({ data: { spec: { a: 1 } }, revision: 2 }), old), []);
  assert.deepEqual(errors(controllerRevisions, revision({ data: { spec: { a: 2 } }, revision: 1 }), old), [
    'data: Invalid value: {"spec":{"a":2}}: field is immutable',
  ]);
});
