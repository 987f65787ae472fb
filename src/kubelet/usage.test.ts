import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changedMeaningfully, cpuCores, formatCores, nodeCpuCores, nodeUsageAnnotation, nodeWorkingSet, parseProcStat, podUsageAnnotation } from './usage.js';

void test('a container\'s CPU rate is its cumulative usage over the time between two readings', () => {
  // 1.5 s of CPU in 2 s: 0.75 cores.
  assert.equal(cpuCores({ usageNs: 10_000_000_000n, timestampNs: 1_000_000_000_000n }, { usageNs: 11_500_000_000n, timestampNs: 1_002_000_000_000n }), 0.75);
  assert.equal(cpuCores({ usageNs: 5n, timestampNs: 10n }, { usageNs: 5n, timestampNs: 20n }), 0);
  // The same instant, or a counter that went back (another container under the id): no rate.
  assert.equal(cpuCores({ usageNs: 5n, timestampNs: 10n }, { usageNs: 6n, timestampNs: 10n }), undefined);
  assert.equal(cpuCores({ usageNs: 9n, timestampNs: 10n }, { usageNs: 6n, timestampNs: 20n }), undefined);
});

const stat = (user: number, idle: number, guest = 0) => [
  `cpu  ${String(user)} 0 0 ${String(idle)} 0 0 0 0 ${String(guest)} 0`,
  'cpu0 1 0 0 1 0 0 0 0 0 0',
  'cpu1 1 0 0 1 0 0 0 0 0 0',
  'intr 1 2 3',
  'ctxt 42',
].join('\n');

void test('the node\'s CPU is its busy share of /proc/stat\'s ticks times its CPUs (guest time counted once, in user)', () => {
  assert.deepEqual(parseProcStat(stat(100, 300, 50)), { busy: 100, total: 400, cpus: 2 });
  // 150 busy ticks of 400 on 2 CPUs: 0.75 cores.
  assert.equal(nodeCpuCores(parseProcStat(stat(100, 300)), parseProcStat(stat(250, 550))), 0.75);
  assert.equal(nodeCpuCores(parseProcStat(stat(100, 300)), parseProcStat(stat(100, 300))), undefined);
});

void test('the node\'s working set is memory in use less inactive file pages, as cAdvisor\'s', () => {
  const meminfo = 'MemTotal:        1000 kB\nMemFree:          200 kB\nMemAvailable:     700 kB\nActive(file):     100 kB\nInactive(file):   300 kB\n';
  assert.equal(nodeWorkingSet(meminfo), 500 * 1024);
});

void test('cores are written in nanocores with the largest exact suffix', () => {
  assert.equal(formatCores(1), '1');
  assert.equal(formatCores(0.25), '250m');
  assert.equal(formatCores(0.000_040), '40u');
  assert.equal(formatCores(0.123_456_789), '123456789n');
  assert.equal(formatCores(0), '0');
  assert.equal(formatCores(-0.001), '0');
});

void test('usage is written again only when it changed by more than 10% (and 5m CPU or 1 MiB memory)', () => {
  const u = (cpu: number, memory: number) => new Map([['main', { cpu, memory }]]);
  const busy = u(1, 100 * 2 ** 20);
  assert.equal(changedMeaningfully(undefined, busy), true);
  assert.equal(changedMeaningfully(busy, u(1.05, 105 * 2 ** 20)), false);
  assert.equal(changedMeaningfully(busy, u(0.85, 100 * 2 ** 20)), true);
  assert.equal(changedMeaningfully(busy, u(1, 120 * 2 ** 20)), true);
  // Near zero the absolute floors keep noise from writing: 1m → 4m and 300 KiB → 900 KiB are not news.
  assert.equal(changedMeaningfully(u(0.001, 300 * 1024), u(0.004, 900 * 1024)), false);
  assert.equal(changedMeaningfully(u(0.001, 300 * 1024), u(0.5, 300 * 1024)), true);
  // A container more or fewer is.
  assert.equal(changedMeaningfully(busy, new Map([...busy, ['side', { cpu: 0, memory: 0 }]])), true);
  assert.equal(changedMeaningfully(busy, new Map([['other', { cpu: 1, memory: 100 * 2 ** 20 }]])), true);
});

void test('the annotations carry the sample time, the window and the values', () => {
  const at = Date.parse('2026-12-05T16:00:00.123Z');
  assert.equal(podUsageAnnotation(new Map([['web', { cpu: 0.5, memory: 1234.4 }], ['app', { cpu: 0.000_1, memory: 2 ** 20 }]]), at, 15),
    '{"timestamp":"2026-12-05T16:00:00Z","window":"15s","containers":{"app":{"cpu":"100u","memory":"1048576"},"web":{"cpu":"500m","memory":"1234"}}}');
  assert.equal(nodeUsageAnnotation({ cpu: 1.25, memory: 2 ** 30 }, at, 15), '{"timestamp":"2026-12-05T16:00:00Z","window":"15s","cpu":"1250m","memory":"1073741824"}');
});
