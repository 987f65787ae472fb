import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../api/meta.js';
import { CPU_USAGE_ANNOTATION, MEMORY_USAGE_ANNOTATION } from './annotations.js';
import { planPodStatus, type Pod } from './pod-status.js';
import { podUsage } from './usage.js';

const running = (annotations: Record<string, string> = {}): Pod => {
  const p: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', uid: 'u', annotations }, spec: { restartPolicy: 'Never', containers: [{ name: 'a' }, { name: 'b' }] } };
  return { ...p, status: planPodStatus(p, { now: 0, hostIP: '1.1.1.1', podIP: '10.42.0.2', runtime: 'hollow' }).status ?? {} };
};
const node = (annotations: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n', annotations } });

void test("each running container uses the pod's annotated usage, else its node's, else nothing", () => {
  assert.deepEqual(podUsage(running({ [CPU_USAGE_ANNOTATION]: '250m' }), node({ [CPU_USAGE_ANNOTATION]: '1', [MEMORY_USAGE_ANNOTATION]: '64Mi' })), [
    { name: 'a', usage: { cpu: '250m', memory: '64Mi' } },
    { name: 'b', usage: { cpu: '250m', memory: '64Mi' } },
  ]);
  assert.deepEqual(podUsage(running())[0], { name: 'a', usage: { cpu: '0', memory: '0' } });
  const pending: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a' }] } };
  assert.deepEqual(podUsage(pending), []);
});
