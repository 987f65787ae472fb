/**
 * The node's heartbeats, as the kubelet sends them: its Lease in
 * `kube-node-lease` renewed every quarter of its duration (10 s), and its
 * status computed at every beat (upstream's nodeStatusUpdateFrequency) but
 * patched only when it changed or every `statusReportMs` (upstream's
 * nodeStatusReportFrequency, 5 min), so the node lifecycle controller sees
 * it alive and the API server is not written to for nothing.
 */
import { nodes as nodesRef } from '../api/core/index.js';
import { leases as leasesRef } from '../api/coordination/index.js';
import type { KubeObject } from '../api/meta.js';
import { isConflict, isNotFound, sleep, type Client } from '../client/index.js';
import { leaseObject, NODE_LEASE_DURATION_SECONDS, NODE_LEASE_NAMESPACE, nodeConditions, ordered } from '../hollow/index.js';
import { discardLogger, type Logger } from '../log.js';
import { statusChanged, type NodeCondition } from './nodestatus.js';

/** A node status as the heartbeat patches it. */
export type NodeStatusPatch = Record<string, unknown> & { conditions: NodeCondition[] };

/** Options of {@link runHeartbeats}. */
export interface HeartbeatOptions {
  readonly client: Client;
  readonly node: { readonly name: string; readonly uid: string };
  /** Conditions last written (their transition times carry over). */
  readonly conditions?: readonly NodeCondition[];
  /**
   * The node's status at `now` given the conditions last written (a real
   * node reads its machine here). Default: the healthy conditions only.
   */
  readonly status?: (now: number, old: readonly NodeCondition[]) => Promise<NodeStatusPatch>;
  /** An unchanged status is written again this often (default 5 min). */
  readonly statusReportMs?: number;
  readonly log?: Logger;
  readonly now?: () => number;
}

/** Upstream's nodeStatusReportFrequency. */
const STATUS_REPORT_MS = 5 * 60_000;

/** Renew the Lease and report the node's status until `signal` aborts; failures are logged and retried at the next beat. */
export async function runHeartbeats(o: HeartbeatOptions, signal: AbortSignal): Promise<void> {
  const log = o.log ?? discardLogger;
  const now = o.now ?? Date.now;
  const renewMs = (NODE_LEASE_DURATION_SECONDS * 1000) / 4;
  const reportMs = o.statusReportMs ?? STATUS_REPORT_MS;
  const statusAt = o.status ?? ((at: number, old: readonly NodeCondition[]) => Promise.resolve({ conditions: nodeConditions(at, [...old]) }));
  let conditions = o.conditions ?? [];
  // Without a status source the registration just wrote it; with one, the first beat writes the machine's.
  let reported: NodeStatusPatch | undefined = o.status ? undefined : { conditions: [...conditions] };
  let lastReport = now();
  let lease: KubeObject | undefined;
  while (!signal.aborted) {
    const fresh = leaseObject(o.node, NODE_LEASE_DURATION_SECONDS, now());
    try {
      lease = lease ? await o.client.update(leasesRef, { ...lease, spec: fresh.spec }) : await o.client.create(leasesRef, NODE_LEASE_NAMESPACE, fresh);
    } catch (err) {
      lease = undefined;
      if (isConflict(err) || isNotFound(err)) {
        // Written meanwhile or left by an earlier run of this node: renew the current one next beat.
        lease = await o.client.get(leasesRef, NODE_LEASE_NAMESPACE, o.node.name).catch(() => undefined);
      } else log.warn('lease renewal failed', { err });
    }
    try {
      const next = await statusAt(now(), conditions);
      if (statusChanged(reported, next) || now() - lastReport >= reportMs) {
        await o.client.patch(nodesRef, '', o.node.name, { status: ordered(next) }, 'strategic', { subresource: 'status' });
        conditions = next.conditions;
        reported = next;
        lastReport = now();
      }
    } catch (err) {
      log.warn('node status update failed', { err });
    }
    await sleep(renewMs, signal);
  }
}
