import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import type { LogFormat, LogLevel } from '../log.js';
import { FlagError, type FlagSpecs, type FlagValues } from './flags.js';

/** Flags of `skiff server` (k3s names and defaults). */
export const serverFlags = {
  'data-dir': {
    type: 'string',
    placeholder: 'DIR',
    description: 'folder for the datastore, certificates, token and kubeconfig',
    defaultText: '/var/lib/skiff as root, ~/.skiff otherwise',
  },
  'https-port': { type: 'number', placeholder: 'PORT', default: 6443, description: 'HTTPS port of the API server' },
  'bind-address': { type: 'string', placeholder: 'IP', default: '127.0.0.1', description: 'address the API server listens on' },
  'datastore-endpoint': {
    type: 'string',
    placeholder: 'URL',
    description: 'sqlite://PATH or etcd://HOST:PORT[,HOST:PORT…]',
    defaultText: 'sqlite://DIR/state.db',
  },
  token: {
    type: 'string',
    placeholder: 'TOKEN',
    description: 'shared secret agents join with; kept in DIR/token',
    defaultText: 'generated on first start',
  },
  'cluster-cidr': { type: 'string', placeholder: 'CIDR', default: '10.42.0.0/16', description: 'pod IP range' },
  'service-cidr': { type: 'string', placeholder: 'CIDR', default: '10.43.0.0/16', description: 'service ClusterIP range' },
  'cluster-dns': { type: 'string', placeholder: 'IP', default: '10.43.0.10', description: 'ClusterIP of the cluster DNS service' },
  'cluster-domain': { type: 'string', placeholder: 'DOMAIN', default: 'cluster.local', description: 'cluster DNS domain' },
  'service-account-issuer': {
    type: 'string',
    placeholder: 'URL',
    default: 'https://kubernetes.default.svc.cluster.local',
    description: 'issuer (iss) of service account tokens, and the audience of the API',
  },
  runtime: { type: 'string', choices: ['containerd', 'fake'], default: 'containerd', description: 'container runtime of the embedded agent' },
  'offline-image-fallback': { type: 'boolean', default: true, description: 'run the node\'s copy of an image when its pull cannot reach the registry (=false: fail as upstream)' },
  'disable-agent': { type: 'boolean', default: false, description: 'run the control plane only, no embedded agent' },
  'disable-scheduler': { type: 'boolean', default: false, description: 'do not run the scheduler' },
  'disable-controller-manager': { type: 'boolean', default: false, description: 'do not run the controller manager' },
  'node-name': { type: 'string', placeholder: 'NAME', description: 'name of this node', defaultText: 'the hostname' },
  'kubelet-port': { type: 'number', placeholder: 'PORT', default: 10250, description: "HTTPS port of the embedded agent's kubelet (logs, exec, attach, port-forward); 0 picks a free one" },
  'pod-manifest-path': { type: 'string', placeholder: 'DIR', description: "static pods of the embedded agent: one pod manifest per file, run with '-NODE' appended to their names" },
  'node-monitor-grace-period': {
    type: 'string',
    placeholder: 'DURATION',
    default: '40s',
    description: "how long a node's Lease may go unrenewed before the node is marked unhealthy (kube-controller-manager's flag)",
  },
  'log-level': {
    type: 'string',
    placeholder: 'LEVEL',
    choices: ['trace', 'debug', 'info', 'warn', 'error'],
    default: 'info',
    description: 'least severe level logged: trace, debug, info, warn or error',
  },
  'log-format': { type: 'string', choices: ['logfmt', 'json'], default: 'logfmt', description: 'format of log lines on stderr' },
} as const satisfies FlagSpecs;

/** Everything `skiff server` runs with, defaults resolved and values checked. */
export interface ServerOptions {
  readonly dataDir: string;
  readonly httpsPort: number;
  readonly bindAddress: string;
  readonly datastoreEndpoint: string;
  /** Absent: use the one in DIR/token, or generate one. */
  readonly token?: string;
  readonly clusterCIDR: string;
  readonly serviceCIDR: string;
  readonly clusterDNS: string;
  readonly clusterDomain: string;
  /** `--service-account-issuer`. */
  readonly serviceAccountIssuer: string;
  readonly runtime: 'containerd' | 'fake';
  readonly offlineImageFallback: boolean;
  readonly disableAgent: boolean;
  readonly disableScheduler: boolean;
  readonly disableControllerManager: boolean;
  readonly nodeName: string;
  /** `--pod-manifest-path`, absolute. */
  readonly podManifestPath?: string;
  readonly kubeletPort: number;
  /** `--node-monitor-grace-period` in milliseconds. */
  readonly nodeMonitorGracePeriodMs: number;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
}

/** What run-time defaults depend on. */
export interface ServerEnv {
  /** Effective user id (0: root). */
  readonly uid: number;
  readonly home: string;
  readonly hostname: string;
  /** Relative paths are resolved against it. */
  readonly cwd: string;
}

/** A FlagError for a value that does not fit its flag. */
/** Upstream's check: not empty, and a URL if it has a colon (`https://…`; a bare name is allowed). */
function checkIssuer(issuer: string): string {
  if (issuer === '') throw invalid('service-account-issuer', issuer, 'want a URL or a name');
  if (issuer.includes(':') && !URL.canParse(issuer)) throw invalid('service-account-issuer', issuer, 'contains a colon but is not a valid URL');
  return issuer;
}

export const invalid = (flag: string, value: string, why: string): FlagError =>
  new FlagError('InvalidValue', flag, `invalid value ${JSON.stringify(value)} for --${flag}: ${why}`);

/** The value if it is a CIDR (IPv4 or IPv6), else a FlagError. */
export function checkCIDR(flag: string, value: string): string {
  const [ip = '', bits, extra] = value.split('/');
  const v = isIP(ip);
  const n = Number(bits);
  if (v === 0 || extra !== undefined || bits === undefined || !/^\d+$/.test(bits) || n > (v === 4 ? 32 : 128)) {
    throw invalid(flag, value, 'want a CIDR such as 10.42.0.0/16');
  }
  return value;
}

/** The value if it is an IP address, else a FlagError. */
export function checkIP(flag: string, value: string): string {
  if (isIP(value) === 0) throw invalid(flag, value, 'want an IP address');
  return value;
}

const durationUnits: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration (`40s`, `1m30s`, `1.5h`, `500ms`) in milliseconds, as Kubernetes' duration flags take; a FlagError if it is not one. */
export function checkDuration(flag: string, value: string): number {
  if (value === '0') return 0;
  const part = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let ms = 0;
  let at = 0;
  while (at < value.length) {
    part.lastIndex = at;
    const m = part.exec(value);
    if (!m) break;
    ms += Number(m[1]) * (durationUnits[m[2] ?? ''] ?? 0);
    at = part.lastIndex;
  }
  if (at !== value.length || value === '') throw invalid(flag, value, 'want a duration such as 40s, 1m30s or 500ms');
  return ms;
}

function positive(flag: string, value: string): number {
  const ms = checkDuration(flag, value);
  if (ms <= 0) throw invalid(flag, value, 'want a duration greater than 0');
  return ms;
}

/** A node name (`--node-name`, else the host name), lower-cased, as a DNS subdomain name. */
export function checkNodeName(name: string): string {
  const nodeName = name.toLowerCase();
  if (!/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/.test(nodeName)) {
    throw invalid('node-name', nodeName, 'want a DNS subdomain name (lower case letters, digits, "-" and ".")');
  }
  return nodeName;
}

/** A TCP port, 0 for any free one. */
export function checkPort(flag: string, port: number): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid(flag, String(port), 'want 0-65535');
  return port;
}

/** `--pod-manifest-path` resolved; static pods run on containerd only (a simulated node runs no containers). */
export function podManifestPathOf(dir: string | undefined, fake: boolean, cwd: string): { podManifestPath?: string } {
  if (dir === undefined) return {};
  if (fake) throw invalid('pod-manifest-path', dir, 'static pods need --runtime containerd');
  return { podManifestPath: resolve(cwd, dir) };
}

/** Resolve defaults that depend on the machine and check every value. */
export function serverOptions(values: FlagValues<typeof serverFlags>, env: ServerEnv): ServerOptions {
  const dataDir = resolve(env.cwd, values['data-dir'] ?? (env.uid === 0 ? '/var/lib/skiff' : join(env.home, '.skiff')));
  const port = values['https-port'] ?? 6443;
  if (port < 0 || port > 65535) throw invalid('https-port', String(port), 'want 0-65535');
  const endpoint = values['datastore-endpoint'] ?? `sqlite://${join(dataDir, 'state.db')}`;
  if (!/^(sqlite|etcd):\/\//.test(endpoint)) throw invalid('datastore-endpoint', endpoint, 'want sqlite://PATH or etcd://HOST:PORT');
  const nodeName = checkNodeName(values['node-name'] ?? env.hostname);
  const token = values.token;
  if (token !== undefined && !/^[\x21-\x7e]+$/.test(token)) throw invalid('token', '…', 'want printable characters without spaces');
  return {
    dataDir,
    httpsPort: port,
    bindAddress: checkIP('bind-address', values['bind-address'] ?? '127.0.0.1'),
    datastoreEndpoint: endpoint,
    ...(token === undefined ? {} : { token }),
    clusterCIDR: checkCIDR('cluster-cidr', values['cluster-cidr'] ?? '10.42.0.0/16'),
    serviceCIDR: checkCIDR('service-cidr', values['service-cidr'] ?? '10.43.0.0/16'),
    clusterDNS: checkIP('cluster-dns', values['cluster-dns'] ?? '10.43.0.10'),
    clusterDomain: values['cluster-domain'] ?? 'cluster.local',
    serviceAccountIssuer: checkIssuer(values['service-account-issuer'] ?? 'https://kubernetes.default.svc.cluster.local'),
    runtime: values.runtime === 'fake' ? 'fake' : 'containerd',
    disableAgent: values['disable-agent'] ?? false,
    offlineImageFallback: values['offline-image-fallback'] ?? true,
    disableScheduler: values['disable-scheduler'] ?? false,
    disableControllerManager: values['disable-controller-manager'] ?? false,
    nodeName,
    ...podManifestPathOf(values['pod-manifest-path'], values.runtime === 'fake', env.cwd),
    kubeletPort: checkPort('kubelet-port', values['kubelet-port'] ?? 10250),
    nodeMonitorGracePeriodMs: positive('node-monitor-grace-period', values['node-monitor-grace-period'] ?? '40s'),
    logLevel: (values['log-level'] ?? 'info') as LogLevel,
    logFormat: values['log-format'] === 'json' ? 'json' : 'logfmt',
  };
}
