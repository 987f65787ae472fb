/**
 * Hollow nodes: many simulated kubelets in one process. They register
 * their Nodes, renew their Leases (spread over the renewal period), report
 * node status every few minutes, and run the pods bound to them through one
 * shared pod informer and one work queue: status through `pods/status`,
 * deletion after the grace period, then a delete with grace 0, as the
 * kubelet does.
 */
import { nodes as nodesRef, pods as podsRef } from '../api/core/index.js';
import { leases as leasesRef } from '../api/coordination/index.js';
import { Informer, isConflict, isNotFound, keyOf, runWorkers, sleep, WorkQueue, type Client } from '../client/index.js';
import { discardLogger, type Logger } from '../log.js';
import { secondsAnnotation, TERMINATION_ANNOTATION, USAGE_ANNOTATION } from './annotations.js';
import { leaseObject, NODE_LEASE_DURATION_SECONDS, NODE_LEASE_NAMESPACE, nodeConditions, ordered, RUNTIME } from './node.js';
import { isTerminal, planPodStatus, terminatedStatus, type Pod, type PodStatus } from './pod-status.js';
import { registerNodes, type NodeState, type NodeTemplate } from './register.js';
import { Limiter, runSpread } from './spread.js';

/** Options of {@link runHollowNodes}. */
export interface HollowOptions {
  readonly client: Client;
  /** Names of the nodes to run. */
  readonly names: readonly string[];
  /** What every node looks like (capacity, addresses, versions). */
  readonly template: NodeTemplate;
  readonly clusterCIDR: string;
  /** Prefix length of each node's pod range (default 24). */
  readonly nodeCIDRMaskSize?: number;
  /** The kubelet's `nodeLeaseDurationSeconds` (default 40); renewed every quarter of it. */
  readonly leaseDurationSeconds?: number;
  /** Node status is reported this often when nothing changes (the kubelet's `nodeStatusReportFrequency`, 5 min). */
  readonly statusReportSeconds?: number;
  /** Usage written (`skiff.io/hollow-usage`) on running pods that have none; absent: none is written. */
  readonly defaultPodUsage?: { readonly cpu: string; readonly memory: string };
  /** Requests in flight at most (default 32): half for heartbeats (Leases, node status), half for pods. */
  readonly maxInflight?: number;
  readonly log?: Logger;
  /** Milliseconds since the epoch (tests may move it). */
  readonly now?: () => number;
  /** Called once every node is registered and the pod cache is filled. */
  readonly onReady?: () => void;
}

/**
 * Run the nodes until `signal` aborts. Rejects if they cannot register
 * (e.g. no pod CIDRs left); after that, errors are logged and retried.
 *
 * @example
 * await runHollowNodes({ client, names: ['hollow-node-0'], template, clusterCIDR: '10.42.0.0/16' }, signal);
 */
export async function runHollowNodes(o: HollowOptions, signal: AbortSignal): Promise<void> {
  const log = o.log ?? discardLogger;
  const now = o.now ?? Date.now;
  const maxInflight = o.maxInflight ?? 32;
  const leaseSeconds = o.leaseDurationSeconds ?? NODE_LEASE_DURATION_SECONDS;
  const started = now();
  const nodes = await registerNodes(o.client, o.names, o.template, { clusterCIDR: o.clusterCIDR, maskBits: o.nodeCIDRMaskSize ?? 24 }, maxInflight, now);
  const list = [...nodes.values()];
  log.info('nodes registered', { nodes: list.length, ms: now() - started });
  if (signal.aborted) return;

  // Heartbeats and pod work each have their own half of the requests in flight. In one queue, 5,000 nodes'
  // Lease renewals (500 a second) stood thousands deep in front of every pod's status write whenever the
  // server fell behind; a kubelet's pods never wait on other nodes' heartbeats.
  const heartbeats = new Limiter(Math.max(1, Math.floor(maxInflight / 2)));
  const limiter = maxInflight < 2 ? heartbeats : new Limiter(maxInflight - Math.floor(maxInflight / 2));
  // One pod informer for every node of the process: one node watches its own pods, as the kubelet does; many watch all bound pods.
  const only = o.names.length === 1 ? o.names[0] : undefined;
  const informer = new Informer<Pod>(o.client, podsRef, { fieldSelector: only ? `spec.nodeName=${only}` : 'spec.nodeName!=', onError: (err) => log.warn('pod watch', { err }) });
  const queue = new WorkQueue<string>();
  /** Pod (namespace/name) → the IP it holds on its node. */
  const held = new Map<string, { node: NodeState; ip: string }>();
  const release = (key: string) => {
    const h = held.get(key);
    if (h) h.node.ips.release(h.ip);
    held.delete(key);
  };
  const usage = o.defaultPodUsage ? JSON.stringify({ cpu: o.defaultPodUsage.cpu, memory: o.defaultPodUsage.memory }) : undefined;
  const ours = (p: Pod) => nodes.has(p.spec?.nodeName ?? '');
  const enqueue = (p: Pod) => {
    if (ours(p)) queue.add(keyOf(p));
  };
  informer.on({ add: enqueue, update: (_, p) => enqueue(p), delete: (p) => release(keyOf(p)) });

  const ipOf = (key: string, pod: Pod, node: NodeState): string | undefined => {
    const h = held.get(key);
    if (h) return h.ip;
    const prior = pod.status?.podIP;
    const ip = prior && node.ips.reserve(prior) ? prior : node.ips.allocate();
    if (ip) held.set(key, { node, ip });
    return ip;
  };

  const sync = async (key: string): Promise<void> => {
    const pod = informer.get(key);
    if (!pod) return;
    const node = nodes.get(pod.spec?.nodeName ?? '');
    if (!node) return;
    const [ns, name] = [pod.metadata.namespace ?? '', pod.metadata.name ?? ''];
    if (pod.metadata.deletionTimestamp) return terminate(key, pod, ns, name);
    if (isTerminal(pod)) {
      // The sandbox is gone; its address is free again (the status keeps it, as upstream's does).
      release(key);
      return;
    }
    const podIP = ipOf(key, pod, node);
    if (!podIP) {
      log.warn('no pod IP left on node', { node: node.config.name, pod: key });
      return;
    }
    const plan = planPodStatus(pod, { now: now(), hostIP: node.config.internalIP, podIP, runtime: RUNTIME });
    if (plan.status) await writeStatus(ns, name, plan.status);
    if (usage && (plan.status ?? pod.status)?.phase === 'Running' && pod.metadata.annotations?.[USAGE_ANNOTATION] === undefined) {
      await limiter.run(() => o.client.patch(podsRef, ns, name, { metadata: { annotations: { [USAGE_ANNOTATION]: usage } } }, 'merge'));
    }
    if (plan.recheckAt !== undefined) queue.addAfter(key, plan.recheckAt - now());
  };

  const writeStatus = async (ns: string, name: string, status: PodStatus) => {
    try {
      await limiter.run(() => o.client.patch(podsRef, ns, name, { status: ordered(status) }, 'strategic', { subresource: 'status' }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  };

  /** Stop the containers at the end of the grace period (or sooner if they stop by themselves), report it, then delete for good. */
  const terminate = async (key: string, pod: Pod, ns: string, name: string): Promise<void> => {
    const deadline = Date.parse(pod.metadata.deletionTimestamp ?? '');
    const grace = pod.metadata.deletionGracePeriodSeconds ?? 0;
    // Simulated containers stop as soon as they are told to, unless the pod says they take longer.
    const stopAfter = secondsAnnotation(pod, TERMINATION_ANNOTATION) ?? 0;
    const selfStop = deadline - grace * 1000 + stopAfter * 1000;
    const stopAt = Math.min(deadline, selfStop);
    const started = (pod.status?.containerStatuses ?? []).length > 0;
    if (started && !isTerminal(pod)) {
      if (now() < stopAt) {
        queue.addAfter(key, stopAt - now());
        return;
      }
      await writeStatus(ns, name, terminatedStatus(pod, now(), selfStop > deadline));
    } else if (grace === 0 && isTerminal(pod)) {
      // Deleted with grace 0 already (by us, or by a finished pod's delete): only finalizers hold it now.
      release(key);
      return;
    }
    release(key);
    try {
      await limiter.run(() => o.client.delete(podsRef, ns, name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid ?? '' } }));
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  };

  const renewLease = async (node: NodeState): Promise<void> => {
    const fresh = leaseObject({ name: node.config.name, uid: node.uid }, leaseSeconds, now());
    try {
      try {
        node.lease = node.lease ? await o.client.update(leasesRef, { ...node.lease, spec: fresh.spec }) : await o.client.create(leasesRef, NODE_LEASE_NAMESPACE, fresh);
      } catch (err) {
        if (isNotFound(err)) node.lease = await o.client.create(leasesRef, NODE_LEASE_NAMESPACE, fresh);
        else if (isConflict(err)) {
          // Written meanwhile (or left by an earlier run of this node): renew the current one.
          const current = await o.client.get(leasesRef, NODE_LEASE_NAMESPACE, node.config.name);
          node.lease = await o.client.update(leasesRef, { ...current, spec: fresh.spec });
        } else throw err;
      }
    } catch (err) {
      node.lease = undefined;
      log.warn('lease renewal failed', { node: node.config.name, err });
    }
  };

  const reportStatus = async (node: NodeState): Promise<void> => {
    try {
      const conditions = nodeConditions(now(), node.conditions);
      await o.client.patch(nodesRef, '', node.config.name, { status: ordered({ conditions }) }, 'strategic', { subresource: 'status' });
      node.conditions = conditions;
    } catch (err) {
      log.warn('node status update failed', { node: node.config.name, err });
    }
  };

  // First heartbeats at once (registration counts as the first status report), then spread over each period.
  await Promise.all(list.map((n) => heartbeats.run(() => renewLease(n))));
  const renewMs = (leaseSeconds * 1000) / 4;
  const statusMs = (o.statusReportSeconds ?? 300) * 1000;
  const running = [
    informer.run(signal),
    runWorkers(queue, maxInflight * 2, sync, (key, err) => log.warn('pod sync failed', { pod: key, err })),
    runSpread(list.length, renewMs, heartbeats, (i) => renewLease(list[i] as NodeState), signal),
    sleep(statusMs, signal).then(() => runSpread(list.length, statusMs, heartbeats, (i) => reportStatus(list[i] as NodeState), signal)),
  ];
  signal.addEventListener('abort', () => queue.shutdown(), { once: true });
  if (await informer.synced(signal)) {
    log.info('hollow nodes ready', { nodes: list.length, pods: held.size, ms: now() - started });
    o.onReady?.();
  }
  await Promise.all(running);
}
