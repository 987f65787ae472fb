/**
 * The node's heartbeats, as the kubelet sends them: its Lease in
 * `kube-node-lease` renewed every quarter of its duration (10 s), and its
 * conditions reported again every `statusReportMs` (the kubelet's
 * nodeStatusReportFrequency), so the node lifecycle controller sees it alive.
 */
import { nodes as nodesRef } from '../api/core/index.js';
import { leases as leasesRef } from '../api/coordination/index.js';
import type { KubeObject } from '../api/meta.js';
import { isConflict, isNotFound, sleep, type Client } from '../client/index.js';
import { leaseObject, NODE_LEASE_DURATION_SECONDS, NODE_LEASE_NAMESPACE, nodeConditions, ordered } from '../hollow/index.js';
import { discardLogger, type Logger } from '../log.js';

/** Options of {@link runHeartbeats}. */
export interface HeartbeatOptions {
  readonly client: Client;
  readonly node: { readonly name: string; readonly uid: string };
  /** Conditions last written (their transition times carry over). */
  readonly conditions?: Parameters<typeof nodeConditions>[1];
  readonly statusReportMs?: number;
  readonly log?: Logger;
  readonly now?: () => number;
}

/** Renew the Lease and report the node's conditions until `signal` aborts; failures are logged and retried at the next beat. */
export async function runHeartbeats(o: HeartbeatOptions, signal: AbortSignal): Promise<void> {
  const log = o.log ?? discardLogger;
  const now = o.now ?? Date.now;
  const renewMs = (NODE_LEASE_DURATION_SECONDS * 1000) / 4;
  const statusMs = o.statusReportMs ?? 60_000;
  let conditions = o.conditions ?? [];
  let lastStatus = now();
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
    if (now() - lastStatus >= statusMs) {
      try {
        const next = nodeConditions(now(), conditions);
        await o.client.patch(nodesRef, '', o.node.name, { status: ordered({ conditions: next }) }, 'strategic', { subresource: 'status' });
        conditions = next;
        lastStatus = now();
      } catch (err) {
        log.warn('node status update failed', { err });
      }
    }
    await sleep(renewMs, signal);
  }
}
