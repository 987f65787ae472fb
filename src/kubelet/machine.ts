/**
 * The machine a real node runs on, read as upstream's kubelet reads it
 * (through cAdvisor): identity and OS for `status.nodeInfo`, capacity, and
 * the signals its eviction manager watches (memory, the node's and the
 * image filesystems, PIDs). Parsers are pure and take file text; the
 * readers only do the I/O.
 */
import { readFile, statfs } from 'node:fs/promises';
import { availableParallelism, arch, release } from 'node:os';

/** What the node says about itself, read once at start. */
export interface MachineInfo {
  readonly machineID: string;
  readonly systemUUID: string;
  readonly bootID: string;
  readonly kernelVersion: string;
  readonly osImage: string;
  readonly operatingSystem: string;
  /** Go's GOARCH name (`amd64`, `arm64`), as the kubelet reports it. */
  readonly architecture: string;
  readonly cpu: number;
  /** MemTotal, in bytes. */
  readonly memoryBytes: number;
}

/** A filesystem's size and free space, in bytes (what the kubelet sees, as statfs). */
export interface FsStats {
  readonly capacityBytes: number;
  readonly availableBytes: number;
  readonly inodes: number;
  readonly inodesFree: number;
}

/** The eviction signals at one moment. */
export interface MachineStats {
  readonly memoryAvailableBytes: number;
  readonly nodefs: FsStats;
  readonly imagefs: FsStats;
  /** Highest PID count the kernel allows (min of pid_max and threads-max, as upstream). */
  readonly maxPID: number;
  /** Tasks (processes and threads) alive now. */
  readonly runningTasks: number;
}

/** Where the reader looks; tests point these at fixture files. */
export interface MachinePaths {
  readonly machineID: string;
  readonly productUUID: string;
  readonly bootID: string;
  readonly osRelease: string;
  readonly meminfo: string;
  readonly pidMax: string;
  readonly threadsMax: string;
  readonly loadavg: string;
}

/** The paths of a Linux host. */
export const HOST_PATHS: MachinePaths = {
  machineID: '/etc/machine-id',
  productUUID: '/sys/class/dmi/id/product_uuid',
  bootID: '/proc/sys/kernel/random/boot_id',
  osRelease: '/etc/os-release',
  meminfo: '/proc/meminfo',
  pidMax: '/proc/sys/kernel/pid_max',
  threadsMax: '/proc/sys/kernel/threads-max',
  loadavg: '/proc/loadavg',
};

/** Node's `process.arch` in Go's names (the kubelet reports runtime.GOARCH). */
export function goArch(nodeArch: string): string {
  const names: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64', mips: 'mips', mipsel: 'mipsle' };
  return names[nodeArch] ?? nodeArch;
}

/** `/proc/meminfo` fields in bytes (the file gives kB). */
export function parseMeminfo(text: string): { totalBytes: number; availableBytes: number } {
  const kb = (field: string): number | undefined => {
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s*kB`, 'm').exec(text);
    return m?.[1] === undefined ? undefined : Number(m[1]) * 1024;
  };
  const totalBytes = kb('MemTotal') ?? 0;
  // Kernels before 3.14 lack MemAvailable; free memory and caches are the same estimate.
  const availableBytes = kb('MemAvailable') ?? (kb('MemFree') ?? 0) + (kb('Cached') ?? 0) + (kb('Buffers') ?? 0);
  return { totalBytes, availableBytes };
}

/** PRETTY_NAME of `/etc/os-release` (upstream's osImage), or `Linux` when it has none. */
export function parseOsRelease(text: string): string {
  const m = /^PRETTY_NAME=(.*)$/m.exec(text);
  if (!m?.[1]) return 'Linux';
  const raw = m[1].trim();
  const quoted = /^(["'])(.*)\1$/.exec(raw);
  return (quoted?.[2] ?? raw).replace(/\\(["'\\$`])/g, '$1');
}

/** Tasks alive, the 4th field of `/proc/loadavg` (`running/total`), as upstream's pidlimit reads it. */
export function parseLoadavg(text: string): number {
  const total = text.trim().split(/\s+/)[3]?.split('/')[1];
  return total === undefined ? 0 : Number(total) || 0;
}

/** A statfs result as the kubelet's filesystem stats: capacity from all blocks, available from those an unprivileged user may take. */
export function fsStats(s: { bsize: number; blocks: number; bavail: number; files: number; ffree: number }): FsStats {
  return { capacityBytes: s.blocks * s.bsize, availableBytes: s.bavail * s.bsize, inodes: s.files, inodesFree: s.ffree };
}

const readText = async (path: string): Promise<string | undefined> => {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** Read the machine's identity, OS and capacity. Missing files leave their field empty (a container, a VM without DMI), as cAdvisor does. */
export async function readMachineInfo(paths: MachinePaths = HOST_PATHS): Promise<MachineInfo> {
  const [machineID, productUUID, bootID, osRelease, meminfo] = await Promise.all([paths.machineID, paths.productUUID, paths.bootID, paths.osRelease, paths.meminfo].map(readText));
  return {
    machineID: machineID?.trim() ?? '',
    systemUUID: productUUID?.trim() ?? '',
    bootID: bootID?.trim() ?? '',
    kernelVersion: release(),
    osImage: osRelease === undefined ? 'Linux' : parseOsRelease(osRelease),
    operatingSystem: 'linux',
    architecture: goArch(arch()),
    cpu: availableParallelism(),
    memoryBytes: parseMeminfo(meminfo ?? '').totalBytes,
  };
}

/** Read the eviction signals now: memory, the filesystems of `nodefsDir` and `imagefsDir`, and PIDs. */
export async function readMachineStats(dirs: { nodefs: string; imagefs: string }, paths: MachinePaths = HOST_PATHS): Promise<MachineStats> {
  const [meminfo, pidMax, threadsMax, loadavg] = await Promise.all([paths.meminfo, paths.pidMax, paths.threadsMax, paths.loadavg].map(readText));
  const [nodefs, imagefs] = await Promise.all([statfs(dirs.nodefs), dirs.imagefs === dirs.nodefs ? undefined : statfs(dirs.imagefs)]);
  const limits = [Number(pidMax), Number(threadsMax)].filter((n) => Number.isFinite(n) && n > 0);
  return {
    // Upstream takes capacity minus the root cgroup's working set; MemAvailable is the kernel's own estimate of the same.
    memoryAvailableBytes: parseMeminfo(meminfo ?? '').availableBytes,
    nodefs: fsStats(nodefs),
    imagefs: fsStats(imagefs ?? nodefs),
    maxPID: limits.length > 0 ? Math.min(...limits) : 0,
    runningTasks: parseLoadavg(loadavg ?? ''),
  };
}
