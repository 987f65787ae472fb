import { join } from 'node:path';

/** Where Debian's `containernetworking-plugins` installs the CNI plugins. */
export const DEFAULT_CNI_BIN_DIR = '/usr/lib/cni';

/** Files and directories of a containerd that skiff runs under a node's data dir. */
export interface ContainerdPaths {
  /** `DATA_DIR/containerd`. */
  readonly dir: string;
  readonly configFile: string;
  readonly socket: string;
  readonly root: string;
  readonly state: string;
  readonly logFile: string;
  readonly pidFile: string;
  /** CNI network configs that containerd's CRI plugin reads. */
  readonly cniConfDir: string;
  /** Per-registry `HOST/hosts.toml` (plain HTTP, mirrors, CAs), as containerd's `/etc/containerd/certs.d`. */
  readonly registryConfigDir: string;
}

/** The paths of the containerd owned by the node whose data dir is `dataDir`. */
export function containerdPaths(dataDir: string): ContainerdPaths {
  const dir = join(dataDir, 'containerd');
  return {
    dir,
    configFile: join(dir, 'config.toml'),
    socket: join(dir, 'containerd.sock'),
    root: join(dir, 'root'),
    state: join(dir, 'state'),
    logFile: join(dir, 'containerd.log'),
    pidFile: join(dir, 'containerd.pid'),
    cniConfDir: join(dataDir, 'cni', 'net.d'),
    registryConfigDir: join(dir, 'certs.d'),
  };
}

/** What varies in {@link containerdConfig}. */
export interface ContainerdConfigOptions {
  readonly paths: ContainerdPaths;
  /** Image of every pod's sandbox (pause) container. */
  readonly sandboxImage: string;
  /** Default {@link DEFAULT_CNI_BIN_DIR}. */
  readonly cniBinDir?: string;
}

/** A TOML basic string; JSON's escapes are a subset of TOML's. */
const str = (s: string): string => JSON.stringify(s);

/**
 * containerd 1.6's config (version 2) for a node: its own socket, root and
 * state under the data dir so that it never meets the host's containerd;
 * the CRI plugin with runc (cgroupfs, as the kubelet's default cgroup driver
 * on cgroups v1), the overlayfs snapshotter, Debian's CNI plugins and
 * per-registry hosts.toml files under the data dir.
 * Key names are those of containerd's docs/cri/config.md.
 */
export function containerdConfig(options: ContainerdConfigOptions): string {
  const { paths } = options;
  const cri = '[plugins."io.containerd.grpc.v1.cri"';
  return [
    '# Written by skiff on every start; edits are overwritten.',
    'version = 2',
    `root = ${str(paths.root)}`,
    `state = ${str(paths.state)}`,
    '',
    '[grpc]',
    `  address = ${str(paths.socket)}`,
    '',
    `${cri}]`,
    `  sandbox_image = ${str(options.sandboxImage)}`,
    // Root in a container often lacks CAP_SYS_RESOURCE: lowering a sandbox's
    // oom_score_adj below containerd's own then fails ("can't get final
    // child's PID from pipe: EOF"); clamp it instead.
    '  restrict_oom_score_adj = true',
    // Network namespaces under our state dir, not the host's /var/run/netns.
    '  netns_mounts_under_state_dir = true',
    '  stream_server_address = "127.0.0.1"',
    '  stream_server_port = "0"',
    '  enable_tls_streaming = false',
    '',
    `${cri}.containerd]`,
    '  snapshotter = "overlayfs"',
    '  default_runtime_name = "runc"',
    '',
    `${cri}.containerd.runtimes.runc]`,
    '  runtime_type = "io.containerd.runc.v2"',
    '',
    `${cri}.containerd.runtimes.runc.options]`,
    '  SystemdCgroup = false',
    '',
    `${cri}.cni]`,
    `  bin_dir = ${str(options.cniBinDir ?? DEFAULT_CNI_BIN_DIR)}`,
    `  conf_dir = ${str(paths.cniConfDir)}`,
    '',
    // Registries without a hosts.toml keep containerd's defaults (HTTPS;
    // plain HTTP for localhost and 127.0.0.1); one gives a registry plain
    // HTTP, a CA or mirrors (docs/images.md).
    `${cri}.registry]`,
    `  config_path = ${str(paths.registryConfigDir)}`,
    '',
  ].join('\n');
}
