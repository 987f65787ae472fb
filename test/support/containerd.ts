import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startContainerd, type ContainerdHandle } from '../../src/kubelet/containerd/supervisor.js';
import { findExecutable } from '../../src/kubelet/containerd/binaries.js';
import { newCriClient, type CriClient } from '../../src/kubelet/cri/client.js';
import { BUSYBOX, BUSYBOX_TEST_IMAGE, buildBusyboxImage, importImage } from './images.js';

/** Why real containers cannot run here, or `undefined` if they can. */
export function containerRuntimeMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'real containers need root';
  for (const bin of ['containerd', 'runc', 'ctr']) {
    if (findExecutable(bin) === undefined) return `${bin} is not installed (apt-get install containerd runc containernetworking-plugins)`;
  }
  if (!existsSync('/usr/lib/cni/bridge')) return 'the CNI plugins are not installed (apt-get install containernetworking-plugins)';
  if (!existsSync(BUSYBOX)) return `${BUSYBOX} is missing (apt-get install busybox-static)`;
  return undefined;
}

/**
 * Skip test `t` where real containers cannot run, and fail it under CI=true
 * (CI installs what they need); true if the test must stop here.
 */
export function skipWithoutRuntime(t: { skip(message?: string): void }): boolean {
  const missing = containerRuntimeMissing();
  if (missing === undefined) return false;
  if (process.env.CI === 'true') throw new Error(`CI must run the containerd suite, but ${missing}`);
  t.skip(missing);
  return true;
}

/** A containerd of its own for one test, with the busybox test image imported and a CNI bridge network. */
export interface TestRuntime {
  /** Temp dir holding everything (the node's data dir is `root/data`). */
  readonly root: string;
  readonly dataDir: string;
  readonly containerd: ContainerdHandle;
  readonly cri: CriClient;
  /** Parent cgroup to give sandboxes, removed on clean-up. */
  readonly cgroupParent: string;
  /** The pod network's subnet (a free /24 inside 10.42.0.0/16). */
  readonly subnet: string;
  readonly image: string;
  /** Stop containerd and remove every trace: containers, shims, mounts, cgroups, the bridge, the dir. */
  cleanup(): Promise<void>;
}

/** The third octet of a 10.42.X.0/24 that no route of this machine uses yet. */
function freeSubnet(): string {
  const routes = spawnSync('ip', ['-4', 'route', 'show'], { encoding: 'utf8' }).stdout;
  for (let i = 0; i < 50; i++) {
    const octet = 200 + randomBytes(1)[0]! % 55;
    const subnet = `10.42.${octet}.0/24`;
    if (!routes.includes(subnet)) return subnet;
  }
  throw new Error('no free 10.42.200-254.0/24 subnet for the test pod network');
}

/**
 * Start containerd through skiff's supervisor in a temp dir, import the
 * busybox test image (also the sandbox image) and write a bridge CNI network
 * without gateway or masquerade, so that pods get addresses but no route
 * off the bridge. Call `cleanup` in every outcome.
 */
export async function startTestRuntime(): Promise<TestRuntime> {
  const root = mkdtempSync(join(tmpdir(), 'skiff-cri-'));
  const tag = randomBytes(4).toString('hex');
  const dataDir = join(root, 'data');
  const cgroupParent = `/skiff-test-${tag}`;
  const bridge = `sk${tag}`;
  const subnet = freeSubnet();
  const ipForward = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
  const abort = new AbortController();
  let containerd: ContainerdHandle | undefined;
  let cri: CriClient | undefined;

  const cleanup = async (): Promise<void> => {
    if (cri !== undefined && containerd?.pid() !== undefined) await removeAllPods(cri);
    cri?.close();
    abort.abort();
    await containerd?.stopped;
    killCgroupProcesses(cgroupParent);
    killShims(join(dataDir, 'containerd'));
    unmountUnder(root);
    removeCgroups(cgroupParent);
    spawnSync('ip', ['link', 'del', bridge], { stdio: 'ignore' });
    if (readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim() !== ipForward) writeFileSync('/proc/sys/net/ipv4/ip_forward', ipForward);
    rmSync(root, { recursive: true, force: true });
  };

  try {
    containerd = await startContainerd({ dataDir, sandboxImage: BUSYBOX_TEST_IMAGE, restartBackoffMs: 100 }, abort.signal);
    const paths = containerd.paths!;
    writeFileSync(join(paths.cniConfDir, '10-skiff-test.conflist'), JSON.stringify({
      cniVersion: '0.4.0',
      name: `skiff-test-${tag}`,
      plugins: [{
        type: 'bridge', bridge, isGateway: false, ipMasq: false,
        ipam: { type: 'host-local', ranges: [[{ subnet }]], dataDir: join(root, 'ipam') },
      }],
    }));
    importImage(paths.socket, buildBusyboxImage(join(root, 'busybox.tar')));
    cri = newCriClient(containerd.endpoint, { timeoutMs: 60_000 });
    return { root, dataDir, containerd, cri, cgroupParent, subnet, image: BUSYBOX_TEST_IMAGE, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Stop and remove every sandbox (and so its containers), ignoring failures: this is clean-up. */
async function removeAllPods(cri: CriClient): Promise<void> {
  try {
    for (const s of await cri.listPodSandbox(undefined, { timeoutMs: 10_000 })) {
      await cri.stopPodSandbox(s.id, { timeoutMs: 30_000 }).catch(() => undefined);
      await cri.removePodSandbox(s.id, { timeoutMs: 30_000 }).catch(() => undefined);
    }
  } catch {
    // containerd may be gone; the steps below clean up behind it
  }
}

/** cgroup v1 controller dirs (`/sys/fs/cgroup/memory`, …) holding `parent`. */
function cgroupDirs(parent: string): string[] {
  const base = '/sys/fs/cgroup';
  if (!existsSync(base)) return [];
  return readdirSync(base).map((c) => join(base, c, parent)).filter((d) => existsSync(d));
}

/** Every dir under `dir`, deepest first, then `dir`. */
function depthFirst(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) out.push(...depthFirst(join(dir, e.name)));
  out.push(dir);
  return out;
}

/** SIGKILL every process in the cgroups under `parent` (every controller). */
export function killCgroupProcesses(parent: string): void {
  for (const dir of cgroupDirs(parent)) {
    for (const d of depthFirst(dir)) {
      let procs = '';
      try { procs = readFileSync(join(d, 'cgroup.procs'), 'utf8'); } catch { continue; }
      for (const pid of procs.split('\n').filter(Boolean)) {
        try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ }
      }
    }
  }
}

/** Remove the (emptied) cgroup dirs under `parent`, deepest first, retrying while killed processes leave them. */
export function removeCgroups(parent: string): void {
  for (let attempt = 0; attempt < 20; attempt++) {
    let left = 0;
    for (const dir of cgroupDirs(parent)) {
      for (const d of depthFirst(dir)) {
        try { rmdirSync(d); } catch { left++; }
      }
    }
    if (left === 0) return;
    // Killed processes leave their cgroup a moment after SIGKILL.
    spawnSync('sleep', ['0.1']);
  }
}

/** SIGKILL the runc shims of the containerd in `dir` (they outlive containerd by design). */
export function killShims(dir: string): void {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline = '';
    try { cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8'); } catch { continue; }
    if (cmdline.includes('containerd-shim') && cmdline.includes(dir)) {
      try { process.kill(Number(entry), 'SIGKILL'); } catch { /* gone */ }
    }
  }
}

/** Unmount everything mounted under `root`, deepest first. */
export function unmountUnder(root: string): void {
  const points = readFileSync('/proc/mounts', 'utf8').split('\n')
    .map((line) => line.split(' ')[1]?.replace(/\\040/g, ' '))
    .filter((p): p is string => p !== undefined && (p === root || p.startsWith(`${root}/`)))
    .sort((a, b) => b.length - a.length);
  for (const p of points) {
    if (spawnSync('umount', [p], { stdio: 'ignore' }).status !== 0) spawnSync('umount', ['-l', p], { stdio: 'ignore' });
  }
}

/**
 * Clean up behind a whole node on containerd (`skiff server --runtime
 * containerd`, runContainerdAgent) with data dir `dataDir`, once it has
 * stopped: kill what is left in its `/skiff` cgroups and its shims, unmount
 * its sandboxes' mounts, remove the cgroups and the `skiff0` bridge.
 */
export function cleanupNode(dataDir: string): void {
  killCgroupProcesses('/skiff');
  killShims(join(dataDir, 'containerd'));
  unmountUnder(dataDir);
  removeCgroups('/skiff');
  spawnSync('ip', ['link', 'del', 'skiff0'], { stdio: 'ignore' });
}
