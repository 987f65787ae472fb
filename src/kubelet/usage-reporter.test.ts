import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerStats } from './cri/types.js';
import { newUsageReporter } from './usage-reporter.js';

const SECOND = 1_000_000_000n;

/** A running container's stats at `t` seconds with `cpuSeconds` of CPU used so far. */
const stats = (id: string, pod: string, container: string, t: bigint, cpuSeconds: bigint, memory: number, uid = `${pod}-uid`): ContainerStats => ({
  attributes: {
    id, metadata: { name: container, attempt: 0 }, annotations: {},
    labels: { 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.name': pod, 'io.kubernetes.pod.uid': uid, 'io.kubernetes.container.name': container },
  },
  cpu: { timestamp: String(t * SECOND), usageCoreNanoSeconds: { value: String(cpuSeconds * SECOND) }, usageNanoCores: null },
  memory: { timestamp: String(t * SECOND), workingSetBytes: { value: String(memory) }, availableBytes: null, usageBytes: null, rssBytes: null, pageFaults: null, majorPageFaults: null },
});

/** A reporter over a fake runtime, /proc and API, recording the annotations it writes. */
function fixture() {
  let clock = Date.parse('2026-12-05T16:00:00Z');
  let current: ContainerStats[] = [];
  let procStat = 'cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0\ncpu1 0 0 0 0\n';
  const writes: { kind: string; name: string; value: unknown }[] = [];
  const reporter = newUsageReporter({
    nodeName: 'node-1',
    intervalMs: 15_000,
    now: () => clock,
    cri: { listContainerStats: () => Promise.resolve(current) },
    readProc: (file) => Promise.resolve(file === 'stat' ? procStat : 'MemTotal: 4096 kB\nMemFree: 1024 kB\nInactive(file): 1024 kB\n'),
    client: {
      patch: (ref, _ns, name, patch) => {
        const annotations = (patch as { metadata: { annotations: Record<string, string> } }).metadata.annotations;
        writes.push({ kind: ref.resource, name, value: JSON.parse(annotations['skiff.io/usage'] ?? 'null') as unknown });
        return Promise.resolve({ apiVersion: 'v1', kind: 'Pod', metadata: {} });
      },
    },
  });
  return {
    reporter, writes,
    set: (s: ContainerStats[], stat?: string) => { current = s; if (stat !== undefined) procStat = stat; },
    advance: (ms: number) => { clock += ms; },
  };
}

void test('the first round only samples; the next writes each pod\'s CPU rate and working set, and the node\'s', async () => {
  const f = fixture();
  f.set([stats('c1', 'busy', 'main', 100n, 10n, 4096), stats('c2', 'idle', 'main', 100n, 1n, 2 ** 20)]);
  await f.reporter.tick();
  assert.deepEqual(f.writes, []);
  f.advance(15_000);
  // busy burned 15 s of CPU in 15 s, idle none; the node was busy 300 of 600 ticks on 2 CPUs.
  f.set([stats('c1', 'busy', 'main', 115n, 25n, 8192), stats('c2', 'idle', 'main', 115n, 1n, 2 ** 20)], 'cpu  300 0 0 300 0 0 0 0 0 0\ncpu0 0\ncpu1 0\n');
  await f.reporter.tick();
  assert.deepEqual(f.writes, [
    { kind: 'pods', name: 'busy', value: { timestamp: '2026-12-05T16:00:15Z', window: '15s', containers: { main: { cpu: '1', memory: '8192' } } } },
    { kind: 'pods', name: 'idle', value: { timestamp: '2026-12-05T16:00:15Z', window: '15s', containers: { main: { cpu: '0', memory: '1048576' } } } },
    { kind: 'nodes', name: 'node-1', value: { timestamp: '2026-12-05T16:00:15Z', window: '15s', cpu: '1', memory: String(2048 * 1024) } },
  ]);
});

void test('usage that did not change meaningfully is not written again until a minute passed', async () => {
  const f = fixture();
  const round = async (t: bigint, cpu: bigint) => {
    f.set([stats('c1', 'busy', 'main', t, cpu, 4096)]);
    await f.reporter.tick();
    f.advance(15_000);
  };
  await round(100n, 0n);
  await round(115n, 15n);
  await round(130n, 30n);
  await round(145n, 45n);
  assert.equal(f.writes.filter((w) => w.kind === 'pods').length, 1, 'steady at 1 core: written once');
  await round(160n, 50n);
  assert.equal(f.writes.filter((w) => w.kind === 'pods').length, 2, 'down to 333m: written');
  await round(175n, 55n);
  await round(190n, 60n);
  await round(205n, 65n);
  await round(220n, 70n);
  assert.equal(f.writes.filter((w) => w.kind === 'pods').length, 3, 'steady for a minute: written again so readers see it fresh');
});

void test('a pod waits for a rate of every container; a container restarted under a new id starts over', async () => {
  const f = fixture();
  f.set([stats('c1', 'two', 'a', 100n, 10n, 1)]);
  await f.reporter.tick();
  f.advance(15_000);
  // Its second container appears: no rate for it yet, the pod is not written half.
  f.set([stats('c1', 'two', 'a', 115n, 11n, 1), stats('c2', 'two', 'b', 115n, 0n, 1)]);
  await f.reporter.tick();
  assert.deepEqual(f.writes.filter((w) => w.kind === 'pods'), []);
  f.advance(15_000);
  f.set([stats('c1', 'two', 'a', 130n, 12n, 1), stats('c2', 'two', 'b', 130n, 3n, 1)]);
  await f.reporter.tick();
  assert.deepEqual(f.writes.filter((w) => w.kind === 'pods').map((w) => w.value), [
    { timestamp: '2026-12-05T16:00:30Z', window: '15s', containers: { a: { cpu: '66666667n', memory: '1' }, b: { cpu: '200m', memory: '1' } } },
  ]);
});
