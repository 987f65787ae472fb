import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, test } from 'node:test';
import { events, nodes, pods } from '../../src/api/core/index.js';
import { priorityClasses } from '../../src/api/scheduling/index.js';
import { Client, credentialsFromKubeconfig, sleep, type APIStatusError } from '../../src/client/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { runScheduler } from '../../src/scheduler/index.js';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';

const node = (name: string, cpu: string, labels: Record<string, string> = {}, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
  spec: { ...((extra.spec) ?? {}) },
  status: { allocatable: { cpu, memory: '8Gi', pods: '110' }, capacity: { cpu, memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
});

const pod = (name: string, spec: Record<string, unknown> = {}, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels },
  spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: (spec.cpu as string | undefined) ?? '100m' } } }], ...Object.fromEntries(Object.entries(spec).filter(([k]) => k !== 'cpu')) },
});

/** Waits (bounded) until `check` returns a value. */
async function until<T>(what: string, check: () => Promise<T | undefined>, tries = 200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('scheduler against an API server', () => {
  let api: TestAPIServer;
  let client: Client;
  const stop = new AbortController();
  let running: Promise<void>;

  const nodeOf = async (name: string) => ((await client.get(pods, 'default', name)).spec as { nodeName?: string }).nodeName;
  const boundTo = (name: string) => until(`${name} bound`, () => nodeOf(name));
  const eventsOf = async (name: string) => (await client.list(events, 'default')).items.filter((e) => (e.involvedObject as { name?: string }).name === name) as (KubeObject & { reason?: string; message?: string })[];

  before(async () => {
    api = await startTestAPIServer();
    client = new Client(credentialsFromKubeconfig(api.kubeconfig));
    await client.create(nodes, '', node('small', '1'));
    await client.create(nodes, '', node('big', '4', { disk: 'ssd' }));
    await client.create(nodes, '', { ...node('tainted', '8'), spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } });
    running = runScheduler({ client, leaseDurationSeconds: 1, renewDeadlineSeconds: 1, retryPeriodSeconds: 0.2, initialBackoffMs: 100, maxBackoffMs: 200 }, stop.signal);
  });
  after(async () => {
    stop.abort();
    await running;
    client.close();
    await api.stop();
  });

  test('the system PriorityClasses exist from the start', async () => {
    const list = await client.list(priorityClasses);
    assert.deepEqual(list.items.map((c) => [c.metadata.name, c.value]).sort(), [['system-cluster-critical', 2000000000], ['system-node-critical', 2000001000]]);
  });

  test('a pod goes to the node that fits it, with a Scheduled event', async () => {
    await client.create(pods, 'default', pod('needs-two', { cpu: '2' }));
    assert.equal(await boundTo('needs-two'), 'big');
    const ev = await until('Scheduled event', async () => (await eventsOf('needs-two')).find((e) => e.reason === 'Scheduled'));
    assert.equal(ev.message, 'Successfully assigned default/needs-two to big');
  });

  test('nodeSelector and tolerations choose the node', async () => {
    await client.create(pods, 'default', pod('ssd', { nodeSelector: { disk: 'ssd' } }));
    await client.create(pods, 'default', pod('gpu', { cpu: '5', tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }));
    assert.equal(await boundTo('ssd'), 'big');
    assert.equal(await boundTo('gpu'), 'tainted');
  });

  test('nothing fits: FailedScheduling with upstream message and PodScheduled=False; scheduled once a node fits', async () => {
    await client.create(pods, 'default', pod('huge', { cpu: '6' }));
    const ev = await until('FailedScheduling', async () => (await eventsOf('huge')).find((e) => e.reason === 'FailedScheduling'));
    assert.equal(
      ev.message,
      '0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
    const cond = await until('condition', async () => ((await client.get(pods, 'default', 'huge')).status as { conditions?: { type: string; status: string; reason?: string }[] }).conditions?.find((c) => c.type === 'PodScheduled'));
    assert.deepEqual([cond.status, cond.reason], ['False', 'Unschedulable']);
    await client.create(nodes, '', node('bigger', '16'));
    assert.equal(await boundTo('huge'), 'bigger');
  });

  test('assumed pods count at once: two pods that only fit one at a time go to different nodes', async () => {
    await client.create(nodes, '', node('pair-a', '1', { pair: 'yes' }));
    await client.create(nodes, '', node('pair-b', '1', { pair: 'yes' }));
    await client.create(pods, 'default', pod('p1', { cpu: '800m', nodeSelector: { pair: 'yes' } }));
    await client.create(pods, 'default', pod('p2', { cpu: '800m', nodeSelector: { pair: 'yes' } }));
    assert.notEqual(await boundTo('p1'), await boundTo('p2'));
  });

  test('required pod anti-affinity keeps pods of a group apart; affinity puts them together', async () => {
    const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } };
    await client.create(pods, 'default', pod('web-1', { affinity: anti, nodeSelector: { pair: 'yes' }, cpu: '10m' }, { app: 'web' }));
    await client.create(pods, 'default', pod('web-2', { affinity: anti, nodeSelector: { pair: 'yes' }, cpu: '10m' }, { app: 'web' }));
    assert.notEqual(await boundTo('web-1'), await boundTo('web-2'));
    const aff = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } };
    await client.create(pods, 'default', pod('sidecar', { affinity: aff, cpu: '10m' }));
    assert.ok(['pair-a', 'pair-b'].includes(await boundTo('sidecar')));
  });

  test('/metrics reports scheduling attempts and algorithm latency under upstream names', async () => {
    const read = async () => {
      const text = await client.text('/metrics');
      const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? Number.NaN);
      return {
        scheduled: value(/^scheduler_schedule_attempts_total\{profile="default-scheduler",result="scheduled"\} (\d+)$/m),
        count: value(/^scheduler_scheduling_algorithm_duration_seconds_count (\d+)$/m),
        inf: value(/^scheduler_scheduling_algorithm_duration_seconds_bucket\{le="\+Inf"\} (\d+)$/m),
        sum: value(/^scheduler_scheduling_algorithm_duration_seconds_sum ([\d.e-]+)$/m),
      };
    };
    const before = await read();
    await client.create(pods, 'default', pod('counted', { cpu: '10m' }));
    await boundTo('counted');
    const after = await read();
    assert.equal(after.scheduled, before.scheduled + 1);
    assert.equal(after.count, before.count + 1);
    assert.equal(after.inf, after.count);
    assert.ok(after.sum > before.sum);
    // Like every API path but health and version, /metrics wants credentials.
    const anonymous = await new Promise<number>((resolve, reject) => {
      const req = request(`${api.server.url}/metrics`, { ca: api.server.caCert }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(anonymous, 401);
  });

  test('pods of another scheduler are left alone', async () => {
    await client.create(pods, 'default', pod('other', { schedulerName: 'my-scheduler' }));
    await client.create(pods, 'default', pod('after-other'));
    await boundTo('after-other');
    await sleep(300);
    assert.equal(await nodeOf('other'), undefined);
  });

  test('priority admission: unknown class refused; higher priority scheduled first', async () => {
    const err = (await client.create(pods, 'default', pod('bad-class', { priorityClassName: 'nope' })).catch((e: unknown) => e)) as APIStatusError;
    assert.equal(err.code, 403);
    assert.equal(err.message, 'pods "bad-class" is forbidden: no PriorityClass with name nope was found');
    await client.create(priorityClasses, '', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 });
    const created = await client.create(pods, 'default', pod('prio', { priorityClassName: 'high', nodeSelector: { none: 'x' } }));
    assert.equal((created.spec as { priority?: number }).priority, 1000);
    // Fill one slot, then queue a low and a high pod that only fit one at a time.
    await client.create(nodes, '', node('solo', '1', { solo: 'yes' }));
    await client.create(pods, 'default', pod('blocker', { cpu: '1', nodeSelector: { solo: 'yes' } }));
    assert.equal(await boundTo('blocker'), 'solo');
    await client.create(pods, 'default', pod('low', { cpu: '1', nodeSelector: { solo: 'yes' } }));
    await client.create(pods, 'default', pod('high', { cpu: '1', priorityClassName: 'high', nodeSelector: { solo: 'yes' } }));
    await until('both parked', async () => ((await eventsOf('high')).some((e) => e.reason === 'FailedScheduling') && (await eventsOf('low')).some((e) => e.reason === 'FailedScheduling') ? true : undefined));
    // Past both back-offs (200 ms at most), the freed slot goes by priority, not by who failed first.
    await sleep(400);
    await client.delete(pods, 'default', 'blocker', { gracePeriodSeconds: 0 });
    await until('blocker gone', async () => ((await client.get(pods, 'default', 'blocker').catch(() => undefined)) ? undefined : true));
    assert.equal(await boundTo('high'), 'solo');
    assert.equal(await nodeOf('low'), undefined);
  });
});
