import { join, resolve } from 'node:path';
import type { LogFormat, LogLevel } from '../log.js';
import { type FlagSpecs, type FlagValues } from './flags.js';
import { joinFlags, joinOf, type Join, type JoinEnv } from './join-flags.js';
import { checkCIDR, checkIP, checkNodeName, checkPort, invalid, podManifestPathOf, serverFlags } from './server-flags.js';

/** Flags of `skiff agent` (k3s agent's names). */
export const agentFlags = {
  ...joinFlags,
  'data-dir': { type: 'string', placeholder: 'DIR', description: "the node's state: its containerd, pod logs and volumes", defaultText: '/var/lib/skiff/agent as root, ~/.skiff/agent otherwise' },
  'node-name': { type: 'string', placeholder: 'NAME', description: 'name of this node', defaultText: 'the hostname' },
  'node-ip': { type: 'string', placeholder: 'IP', description: 'InternalIP of the node', defaultText: "this machine's first IPv4 address" },
  'kubelet-port': { type: 'number', placeholder: 'PORT', default: 10250, description: "HTTPS port of the node's kubelet (logs, exec, attach, port-forward); 0 picks a free one" },
  runtime: { type: 'string', choices: ['containerd', 'fake'], default: 'containerd', description: 'container runtime: containerd, or fake (a simulated node, no containers)' },
  'container-runtime-endpoint': { type: 'string', placeholder: 'URL', description: 'use this CRI endpoint (unix:///PATH) instead of a containerd of our own' },
  'offline-image-fallback': { type: 'boolean', default: true, description: 'run the node\'s copy of an image when its pull cannot reach the registry (=false: fail as upstream)' },
  'cluster-cidr': { type: 'string', placeholder: 'CIDR', default: '10.42.0.0/16', description: "pod IP range the node's pod CIDR comes from (the server's --cluster-cidr)" },
  'node-cidr-mask-size': { type: 'number', placeholder: 'BITS', default: 24, description: "prefix length of the node's pod CIDR" },
  'pod-manifest-path': { ...serverFlags['pod-manifest-path'], description: "static pods: one pod manifest per file, run with '-NODE' appended to their names" },
  'log-level': { type: 'string', placeholder: 'LEVEL', choices: ['trace', 'debug', 'info', 'warn', 'error'], default: 'info', description: 'least severe level logged' },
  'log-format': { type: 'string', choices: ['logfmt', 'json'], default: 'logfmt', description: 'format of log lines on stderr' },
} as const satisfies FlagSpecs;

/** Everything `skiff agent` runs with, checked. */
export interface AgentOptions {
  readonly join: Join;
  readonly dataDir: string;
  readonly nodeName: string;
  readonly nodeIP?: string;
  readonly kubeletPort: number;
  readonly runtime: 'containerd' | 'fake';
  readonly endpoint?: string;
  readonly offlineImageFallback: boolean;
  readonly clusterCIDR: string;
  readonly nodeCIDRMaskSize: number;
  /** `--pod-manifest-path`, absolute. */
  readonly podManifestPath?: string;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
}

/** Check every value and resolve the defaults that depend on the machine. */
export function agentOptions(values: FlagValues<typeof agentFlags>, env: JoinEnv & { readonly hostname: string }): AgentOptions {
  const endpoint = values['container-runtime-endpoint'];
  if (endpoint !== undefined && !/^unix:\/\/\/./.test(endpoint)) throw invalid('container-runtime-endpoint', endpoint, 'want unix:///PATH');
  const mask = values['node-cidr-mask-size'] ?? 24;
  if (!Number.isInteger(mask) || mask < 1 || mask > 30) throw invalid('node-cidr-mask-size', String(mask), 'want a whole number from 1 to 30');
  return {
    join: joinOf(values, env),
    dataDir: resolve(env.cwd, values['data-dir'] ?? (env.uid === 0 ? '/var/lib/skiff/agent' : join(env.home, '.skiff', 'agent'))),
    nodeName: checkNodeName(values['node-name'] ?? env.hostname),
    ...(values['node-ip'] !== undefined ? { nodeIP: checkIP('node-ip', values['node-ip']) } : {}),
    kubeletPort: checkPort('kubelet-port', values['kubelet-port'] ?? 10250),
    runtime: values.runtime === 'fake' ? 'fake' : 'containerd',
    ...(endpoint !== undefined ? { endpoint } : {}),
    offlineImageFallback: values['offline-image-fallback'] ?? true,
    clusterCIDR: checkCIDR('cluster-cidr', values['cluster-cidr'] ?? '10.42.0.0/16'),
    nodeCIDRMaskSize: mask,
    ...podManifestPathOf(values['pod-manifest-path'], values.runtime === 'fake', env.cwd),
    logLevel: (values['log-level'] ?? 'info') as LogLevel,
    logFormat: values['log-format'] === 'json' ? 'json' : 'logfmt',
  };
}
