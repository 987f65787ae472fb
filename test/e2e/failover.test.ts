import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { leases } from '../../src/api/coordination/index.js';
import { pods } from '../../src/api/core/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { Client, credentialsFromKubeconfig } from '../../src/client/index.js';
import { startEtcd, type EtcdProcess } from '../support/etcd.js';
import { spawnHollow, type HollowProcess } from '../support/hollow.js';
import { kubectlOK } from '../support/kubectl.js';
import { startSkiff, waitUntil as until, type SkiffProcess } from '../support/skiff.js';

// Two `skiff server` processes on one etcd, each with its own data dir and
// port and the same --token: one scheduler and one controller manager lead
// (on the kube-system Leases), the other server stands by. The lease timing
// is upstream's default (15 s lease, 10 s renew deadline, 2 s retry): the
// point is that the standby takes over within the lease duration.

const LEASE_NAMES = ['kube-scheduler', 'kube-controller-manager'] as const;
/** Upstream's --leader-elect-lease-duration, which skiff keeps. */
const LEASE_DURATION_MS = 15_000;
/** What timers and a few requests on a busy 2-core machine may add to a takeover. */
const SLACK_MS = 500;

interface LeaseSpec {
  holderIdentity?: string;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}


/** The identities a server's scheduler and controller manager logged when they started leading. */
function leaderIdentities(server: SkiffProcess): { scheduler?: string; manager?: string } {
  const logs = server.logs();
  const scheduler = /msg="scheduler leading".*?identity=(\S+)/.exec(logs)?.[1];
  const manager = /msg="controller manager leading".*?identity=(\S+)/.exec(logs)?.[1];
  return { ...(scheduler ? { scheduler } : {}), ...(manager ? { manager } : {}) };
}

/** Both identities, once the server leads both. */
function leadsBoth(server: SkiffProcess): { scheduler: string; manager: string } | undefined {
  const { scheduler, manager } = leaderIdentities(server);
  return scheduler && manager ? { scheduler, manager } : undefined;
}

describe('leader failover: two skiff servers on one etcd', () => {
  let etcd: EtcdProcess;
  const token = `failover-${randomBytes(8).toString('hex')}`;
  const started: SkiffProcess[] = [];
  let hollow: HollowProcess | undefined;
  let client: Client | undefined;
  const serverArgs = ['--token', token, '--disable-agent'];
  const start = async () => {
    const s = await startSkiff({ endpoint: etcd.endpoint, args: serverArgs, timeoutMs: 30_000 });
    started.push(s);
    return s;
  };
  const allLogs = () => started.map((s, i) => `--- server ${i}:\n${s.logs()}`).join('\n') + `\n--- hollow:\n${hollow?.logs() ?? ''}`;

  before(async () => {
    etcd = await startEtcd();
  });
  after(async () => {
    client?.close();
    await hollow?.stop();
    for (const s of started) await s.cleanup();
    await etcd.stop();
  });

  const lease = async (name: string) => (await (client as Client).get<KubeObject & { spec?: LeaseSpec }>(leases, 'kube-system', name)).spec ?? {};

  /** Wait until the pods labelled `app=NAME` number `n`, all bound to a hollow node and Running. */
  const running = (name: string, n: number) =>
    until(
      `${n} pods of ${name} bound and Running`,
      async () => {
        const list = await (client as Client).list<KubeObject & { spec?: { nodeName?: string }; status?: { phase?: string } }>(pods, 'default', { labelSelector: `app=${name}` });
        const live = list.items.filter((p) => !p.metadata.deletionTimestamp);
        const ok = live.length === n && live.every((p) => p.spec?.nodeName?.startsWith('fo-node-') && p.status?.phase === 'Running');
        return ok ? live : undefined;
      },
      60_000,
      allLogs,
    );

  test('one server leads both; when it is killed the other takes both Leases within the lease duration and keeps the cluster working', async (t) => {
    const a = await start();
    const leaderA = await until('server A to lead the scheduler and the controller manager', () => leadsBoth(a), 30_000, allLogs);
    const b = await start();
    client = new Client(credentialsFromKubeconfig(b.kubeconfig), { userAgent: 'failover-test' });
    // The nodes join server B with server A's CA file: the servers share one cluster CA.
    hollow = spawnHollow({ dataDir: a.dataDir, port: b.port }, ['--nodes', '2', '--node-name-prefix', 'fo-node-']);

    // Exactly one of each: A holds both Leases, B leads nothing.
    assert.equal((await lease('kube-scheduler')).holderIdentity, leaderA.scheduler);
    assert.equal((await lease('kube-controller-manager')).holderIdentity, leaderA.manager);
    kubectlOK(b.kubeconfig, ['create', 'deployment', 'before', '--image=registry.k8s.io/pause:3.10', '--replicas=3']);
    await running('before', 3);
    assert.deepEqual(leaderIdentities(b), {}, 'the standby neither schedules nor runs controllers');
    assert.equal((await lease('kube-scheduler')).holderIdentity, leaderA.scheduler);
    assert.equal((await lease('kube-controller-manager')).holderIdentity, leaderA.manager);

    // The leader dies.
    a.child.kill('SIGKILL');
    const killedAt = Date.now();
    assert.equal(await a.stop(), 'SIGKILL');
    const leaderB = await until('server B to lead both', () => leadsBoth(b), LEASE_DURATION_MS + 10_000, allLogs);
    for (const name of LEASE_NAMES) {
      const spec = await lease(name);
      const identity = name === 'kube-scheduler' ? leaderB.scheduler : leaderB.manager;
      assert.equal(spec.holderIdentity, identity, `${name} held by server B`);
      assert.notEqual(identity, name === 'kube-scheduler' ? leaderA.scheduler : leaderA.manager);
      assert.equal(spec.leaseTransitions, 1, `${name} changed hands once`);
      // acquireTime is when B took the lease over (same machine, same clock as the kill).
      const tookMs = Date.parse(spec.acquireTime ?? '') - killedAt;
      t.diagnostic(`${name}: taken over ${tookMs} ms after the leader was killed`);
      assert.ok(tookMs <= LEASE_DURATION_MS + SLACK_MS, `${name} taken over ${tookMs} ms after the kill (want ≤ ${LEASE_DURATION_MS} ms)`);
    }

    // The new leaders do the work: a new Deployment and a scaled one get their pods created, bound and run.
    kubectlOK(b.kubeconfig, ['create', 'deployment', 'after', '--image=registry.k8s.io/pause:3.10', '--replicas=2']);
    kubectlOK(b.kubeconfig, ['scale', 'deployment', 'before', '--replicas=5']);
    await running('after', 2);
    await running('before', 5);
  });

  test('a leader stopped with SIGTERM releases both Leases, and a standby takes them at once', async (t) => {
    const b = started[1];
    assert.ok(b && client, 'runs after the failover test');
    const leaderB = leadsBoth(b);
    assert.ok(leaderB);
    const c = await start();
    client.close();
    client = new Client(credentialsFromKubeconfig(c.kubeconfig), { userAgent: 'failover-test' });
    const stoppedAt = Date.now();
    assert.equal(await b.stop(), 0);
    const leaderC = await until('server C to lead both', () => leadsBoth(c), 10_000, allLogs);
    for (const name of LEASE_NAMES) {
      const spec = await lease(name);
      assert.equal(spec.holderIdentity, name === 'kube-scheduler' ? leaderC.scheduler : leaderC.manager);
      const tookMs = Date.parse(spec.acquireTime ?? '') - stoppedAt;
      t.diagnostic(`${name}: taken over ${tookMs} ms after SIGTERM`);
      // Without the release C would wait out B's 15 s lease.
      assert.ok(tookMs < LEASE_DURATION_MS / 2, `${name} taken over ${tookMs} ms after SIGTERM`);
    }
  });
});
