/**
 * Registration of hollow nodes, as the kubelet registers: create the Node
 * with its status, or, if it exists already (a restart), take it over and
 * refresh its status. Each node gets a pod CIDR that no other node holds.
 */
import type { KubeObject } from '../api/meta.js';
import { nodes as nodesRef } from '../api/core/index.js';
import { isAlreadyExists, isNotFound, type Client } from '../client/index.js';
import { CIDRError, NodeCIDRAllocator, PodIPAllocator } from './cidr.js';
import { nodeObject, nodeStatus, ordered, type NodeConfig } from './node.js';
import { forEachLimit } from './spread.js';

/** One registered hollow node and what the process keeps for it (small: thousands live in one process). */
export interface NodeState {
  readonly config: NodeConfig;
  readonly uid: string;
  readonly ips: PodIPAllocator;
  /** Last Lease written (to PUT the renewal without a read). */
  lease?: KubeObject | undefined;
  /** Conditions last reported (their transition times carry over). */
  conditions: { type: string; status: string; lastTransitionTime?: string }[];
}

/** Everything about a node except its name and pod CIDR. */
export type NodeTemplate = Omit<NodeConfig, 'name' | 'podCIDR'>;

interface Node extends KubeObject {
  spec?: { podCIDR?: string; podCIDRs?: string[] };
  status?: { conditions?: NodeState['conditions'] };
}

/** List every Node (in pages). */
async function listNodes(client: Client): Promise<Node[]> {
  const out: Node[] = [];
  let cont: string | undefined;
  do {
    const page = await client.list<Node>(nodesRef, '', { limit: 500, ...(cont ? { continue: cont } : {}) });
    out.push(...page.items);
    cont = page.metadata.continue;
  } while (cont);
  return out;
}

/**
 * Register `names`; resolves with their state. Pod CIDRs: a node that
 * exists keeps its own; new ones take the lowest /`maskBits` of
 * `clusterCIDR` that no listed node holds (and move if another process took
 * the same one meanwhile). Throws CIDRError 'Exhausted' before creating
 * anything if they do not all fit.
 */
export async function registerNodes(client: Client, names: readonly string[], template: NodeTemplate, cidr: { clusterCIDR: string; maskBits: number }, concurrency: number, now: () => number): Promise<Map<string, NodeState>> {
  const existing = new Map((await listNodes(client)).map((n) => [n.metadata.name ?? '', n]));
  const allocator = new NodeCIDRAllocator(cidr.clusterCIDR, cidr.maskBits);
  for (const n of existing.values()) for (const c of [n.spec?.podCIDR, ...(n.spec?.podCIDRs ?? [])]) if (c) allocator.reserve(c);
  const podCIDRs = new Map<string, string>();
  const need = names.filter((n) => !existing.get(n)?.spec?.podCIDR).length;
  if (need > allocator.free) {
    throw new CIDRError('Exhausted', `--cluster-cidr ${cidr.clusterCIDR} has ${allocator.free} free /${cidr.maskBits} ranges of ${allocator.size}; ${need} nodes need more: give a wider --cluster-cidr (e.g. 10.0.0.0/8) or a longer --node-cidr-mask-size`);
  }
  for (const name of names) podCIDRs.set(name, existing.get(name)?.spec?.podCIDR ?? allocator.allocate());
  const states = new Map<string, NodeState>();
  await forEachLimit(names, concurrency, async (name) => {
    const node = await registerOne(client, { ...template, name, podCIDR: podCIDRs.get(name) ?? '' }, existing.get(name), now());
    states.set(name, stateOf(template, node));
  });
  await moveCollisions(client, states, template, allocator, concurrency, now);
  return states;
}

/** The state of a registered node; its pod CIDR is the one the Node holds (another process may have created it). */
function stateOf(template: NodeTemplate, node: Node): NodeState {
  const config: NodeConfig = { ...template, name: node.metadata.name ?? '', podCIDR: node.spec?.podCIDR ?? '' };
  return { config, uid: node.metadata.uid ?? '', ips: new PodIPAllocator(config.podCIDR), conditions: node.status?.conditions ?? [] };
}

/**
 * Two processes registering at the same time (the server's own node and a
 * `skiff hollow`, say) may take the same free range. Once registered, look
 * again: of the nodes sharing a range, the one created first (then the
 * lowest name) keeps it; each of ours that lost is deleted and registered
 * again with another range, before any pod runs on it. Every process
 * applies the same rule, so exactly one node keeps each range.
 */
async function moveCollisions(client: Client, states: Map<string, NodeState>, template: NodeTemplate, allocator: NodeCIDRAllocator, concurrency: number, now: () => number): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const holders = new Map<string, Node[]>();
    for (const n of await listNodes(client)) {
      const c = n.spec?.podCIDR;
      if (!c) continue;
      allocator.reserve(c);
      holders.set(c, [...(holders.get(c) ?? []), n]);
    }
    const losers: NodeState[] = [];
    for (const nodes of holders.values()) {
      if (nodes.length < 2) continue;
      nodes.sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
      for (const n of nodes.slice(1)) {
        const ours = states.get(n.metadata.name ?? '');
        if (ours && ours.uid === n.metadata.uid) losers.push(ours);
      }
    }
    if (losers.length === 0) return;
    await forEachLimit(losers, concurrency, async (lost) => {
      try {
        await client.delete(nodesRef, '', lost.config.name, { preconditions: { uid: lost.uid } });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      const node = await registerOne(client, { ...lost.config, podCIDR: allocator.allocate() }, undefined, now());
      states.set(lost.config.name, stateOf(template, node));
    });
  }
}

/** Create the node, or take over the existing one: its pod CIDR if it had none, and a fresh status. */
async function registerOne(client: Client, config: NodeConfig, found: Node | undefined, now: number): Promise<Node> {
  if (!found) {
    try {
      return await client.create<Node>(nodesRef, '', nodeObject(config, now));
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      found = await client.get<Node>(nodesRef, '', config.name);
    }
  }
  if (!found.spec?.podCIDR) await client.patch(nodesRef, '', config.name, { spec: { podCIDR: config.podCIDR, podCIDRs: [config.podCIDR] } }, 'merge');
  return client.patch<Node>(nodesRef, '', config.name, { status: ordered(nodeStatus(config, now, found.status?.conditions)) }, 'strategic', { subresource: 'status' });
}
