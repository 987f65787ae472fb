import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../meta.js';
import { cronJobs } from './cronjob.js';

const template = (restartPolicy = 'OnFailure') => ({ spec: { template: { spec: { restartPolicy, containers: [{ name: 'c', image: 'busybox' }] } } } });
const cj = (spec: Record<string, unknown>, name = 'c'): KubeObject => {
  const o: KubeObject = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name, namespace: 'default', uid: 'u' }, spec };
  cronJobs.defaults?.(o);
  return o;
};
const errors = (o: KubeObject, old?: KubeObject): string[] => (cronJobs.validate?.(o, old) ?? []).map((e) => `${e.field}: ${e.message}`);

void test('cronjob defaults as upstream; the job template gets pod defaults only', () => {
  const o = cj({ schedule: '*/5 * * * *', jobTemplate: template() });
  const spec = o.spec as Record<string, unknown>;
  assert.equal(spec.concurrencyPolicy, 'Allow');
  assert.equal(spec.suspend, false);
  assert.equal(spec.successfulJobsHistoryLimit, 3);
  assert.equal(spec.failedJobsHistoryLimit, 1);
  const jobSpec = (spec.jobTemplate as { spec: Record<string, unknown> }).spec;
  assert.deepEqual(Object.keys(jobSpec), ['template']);
  assert.equal((jobSpec.template as { spec: { dnsPolicy: string } }).spec.dnsPolicy, 'ClusterFirst');
  assert.deepEqual(errors(o), []);
});

void test('cronjob validation messages', () => {
  assert.deepEqual(errors(cj({ schedule: 'not a schedule', jobTemplate: template() })), [
    'spec.schedule: Invalid value: "not a schedule": expected exactly 5 fields, found 3: [not a schedule]',
  ]);
  assert.deepEqual(errors(cj({ jobTemplate: template() })), ['spec.schedule: Required value']);
  assert.deepEqual(errors(cj({ schedule: 'TZ=UTC 0 * * * *', jobTemplate: template() })), [
    'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
  ]);
  assert.deepEqual(errors(cj({ schedule: '@daily', timeZone: 'Mars/Base', jobTemplate: template() })), [
    'spec.timeZone: Invalid value: "Mars/Base": unknown time zone Mars/Base',
  ]);
  assert.deepEqual(errors(cj({ schedule: '@daily', timeZone: 'Local', jobTemplate: template() })), [
    'spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones',
  ]);
  assert.deepEqual(errors(cj({ schedule: '@daily', timeZone: 'Europe/Berlin', concurrencyPolicy: 'Sometimes', jobTemplate: template() })), [
    'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
  ]);
  assert.deepEqual(errors(cj({ schedule: '@daily', jobTemplate: template('Always') })), [
    'spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
  ]);
  const withSelector = template();
  Object.assign(withSelector.spec, { selector: { matchLabels: { a: 'b' } }, manualSelector: true });
  assert.deepEqual(errors(cj({ schedule: '@daily', jobTemplate: withSelector })), [
    'spec.jobTemplate.spec.selector: Invalid value: {"matchLabels":{"a":"b"}}: `selector` will be auto-generated',
    'spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: "nil", "false"',
  ]);
  assert.deepEqual(errors(cj({ schedule: '@daily', successfulJobsHistoryLimit: -1, jobTemplate: template() })), [
    'spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0',
  ]);
  const long = 'c'.repeat(53);
  assert.deepEqual(errors(cj({ schedule: '@daily', jobTemplate: template() }, long)), [`metadata.name: Invalid value: "${long}": must be no more than 52 characters`]);
  assert.deepEqual(errors(cj({ schedule: '@daily', jobTemplate: template() }, long), cj({ schedule: '@daily', jobTemplate: template() }, long)), []);
});
