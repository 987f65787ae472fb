import { quantityValue } from '../api/quantity.js';
import type { LogFormat, LogLevel } from '../log.js';
import { type FlagSpecs, type FlagValues } from './flags.js';
import { joinFlags, joinOf, type Join } from './join-flags.js';
import { checkCIDR, checkIP, invalid } from './server-flags.js';

/** Flags of `skiff hollow` (k3s agent names where the agent has the flag, the kubelet's otherwise). */
export const hollowFlags = {
  ...joinFlags,
  nodes: { type: 'number', placeholder: 'N', default: 1, description: 'how many simulated nodes to run' },
  'node-name-prefix': { type: 'string', placeholder: 'PREFIX', default: 'hollow-node-', description: 'nodes are named PREFIX0, PREFIX1, …; give each process its own' },
  'cluster-cidr': { type: 'string', placeholder: 'CIDR', default: '10.42.0.0/16', description: "pod IP range the nodes' pod CIDRs come from" },
  'node-cidr-mask-size': { type: 'number', placeholder: 'BITS', default: 24, description: "prefix length of each node's pod CIDR" },
  'node-ip': { type: 'string', placeholder: 'IP', description: 'InternalIP of the nodes (and hostIP of their pods)', defaultText: "this machine's first IPv4 address" },
  'node-cpu': { type: 'string', placeholder: 'QUANTITY', default: '4', description: 'CPU capacity of each node' },
  'node-memory': { type: 'string', placeholder: 'QUANTITY', default: '16Gi', description: 'memory capacity of each node' },
  'max-pods': { type: 'number', placeholder: 'N', default: 110, description: 'pods each node accepts' },
  'pod-cpu-usage': { type: 'string', placeholder: 'QUANTITY', description: 'CPU usage reported for each running pod that has no skiff.io/hollow-usage annotation', defaultText: 'none' },
  'pod-memory-usage': { type: 'string', placeholder: 'QUANTITY', description: 'memory usage reported for each running pod that has no skiff.io/hollow-usage annotation', defaultText: 'none' },
  'node-lease-duration-seconds': { type: 'number', placeholder: 'SECONDS', default: 40, description: 'duration of the node Leases; renewed every quarter of it' },
  'max-inflight-requests': { type: 'number', placeholder: 'N', default: 32, description: 'requests to the API server in flight at most, half for heartbeats (Leases, node status) and half for pods' },
  'log-level': { type: 'string', placeholder: 'LEVEL', choices: ['trace', 'debug', 'info', 'warn', 'error'], default: 'info', description: 'least severe level logged' },
  'log-format': { type: 'string', choices: ['logfmt', 'json'], default: 'logfmt', description: 'format of log lines on stderr' },
} as const satisfies FlagSpecs;

/** How `skiff hollow` reaches the server. */
export type HollowJoin = Join;

/** Everything `skiff hollow` runs with, checked. */
export interface HollowCLIOptions {
  readonly join: HollowJoin;
  readonly nodes: number;
  readonly nodeNamePrefix: string;
  readonly clusterCIDR: string;
  readonly nodeCIDRMaskSize: number;
  readonly nodeIP?: string;
  readonly nodeCPU: string;
  readonly nodeMemoryBytes: number;
  readonly maxPods: number;
  readonly podCPUUsage?: string;
  readonly podMemoryUsage?: string;
  readonly nodeLeaseDurationSeconds: number;
  readonly maxInflight: number;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
}

/** What defaults depend on. */
export interface HollowEnv {
  readonly uid: number;
  readonly home: string;
  readonly cwd: string;
}

function quantity(flag: string, value: string): number {
  const n = quantityValue(value);
  if (n === undefined || n < 0) throw invalid(flag, value, 'want a quantity such as 4, 500m, 16Gi');
  return n;
}

function positive(flag: string, n: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(n) || n < 1 || n > max) throw invalid(flag, String(n), `want a whole number from 1 to ${max}`);
  return n;
}

/** Check every value and resolve the join: `--kubeconfig`, or `--server` and `--token` with `--ca-file` (default: the local server's CA). */
export function hollowOptions(values: FlagValues<typeof hollowFlags>, env: HollowEnv): HollowCLIOptions {
  const join = joinOf(values, env);
  const prefix = values['node-name-prefix'] ?? 'hollow-node-';
  if (!/^[a-z0-9]([a-z0-9.-]{0,240})?$/.test(prefix)) throw invalid('node-name-prefix', prefix, 'want the start of a DNS subdomain name (lower case letters, digits, "-" and ".")');
  const nodeCPU = values['node-cpu'] ?? '4';
  quantity('node-cpu', nodeCPU);
  const podCPU = values['pod-cpu-usage'];
  const podMemory = values['pod-memory-usage'];
  if (podCPU !== undefined) quantity('pod-cpu-usage', podCPU);
  if (podMemory !== undefined) quantity('pod-memory-usage', podMemory);
  return {
    join,
    nodes: positive('nodes', values.nodes ?? 1, 100_000),
    nodeNamePrefix: prefix,
    clusterCIDR: checkCIDR('cluster-cidr', values['cluster-cidr'] ?? '10.42.0.0/16'),
    nodeCIDRMaskSize: positive('node-cidr-mask-size', values['node-cidr-mask-size'] ?? 24, 30),
    ...(values['node-ip'] !== undefined ? { nodeIP: checkIP('node-ip', values['node-ip']) } : {}),
    nodeCPU,
    nodeMemoryBytes: quantity('node-memory', values['node-memory'] ?? '16Gi'),
    maxPods: positive('max-pods', values['max-pods'] ?? 110),
    ...(podCPU !== undefined ? { podCPUUsage: podCPU } : {}),
    ...(podMemory !== undefined ? { podMemoryUsage: podMemory } : {}),
    nodeLeaseDurationSeconds: positive('node-lease-duration-seconds', values['node-lease-duration-seconds'] ?? 40),
    maxInflight: positive('max-inflight-requests', values['max-inflight-requests'] ?? 32, 10_000),
    logLevel: (values['log-level'] ?? 'info') as LogLevel,
    logFormat: values['log-format'] === 'json' ? 'json' : 'logfmt',
  };
}
