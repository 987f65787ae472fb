/**
 * A real node for the pod benchmarks: `skiff server` with its embedded
 * agent on its own containerd (the default `--runtime containerd`) in a
 * temp data dir, the busybox test image imported with `skiff image import`,
 * and a CRI client of this process on the same containerd. Stopping it
 * removes every trace, as the rules for real-node runs ask: the sandboxes
 * (through CRI, while containerd still runs), the server (by PID), the
 * shims that outlive containerd, mounts, the cgroups under /skiff, the
 * bridge skiff0 and the data dir. Only one such node may run on a machine
 * at a time (one bridge, one pod range): run under `flock /tmp/skiff-node.lock`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { nodes } from '../../src/api/core/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { Client, credentialsFromKubeconfig, sleep } from '../../src/client/index.js';
import { containerdPaths } from '../../src/kubelet/containerd/config.js';
import { newCriClient, type CriClient } from '../../src/kubelet/cri/client.js';
import { POD_BRIDGE } from '../../src/kubelet/cni.js';
import { containerRuntimeMissing, killCgroupProcesses, killShims, removeCgroups, unmountUnder } from '../../test/support/containerd.js';
import { BUSYBOX_TEST_IMAGE, buildBusyboxImage } from '../../test/support/images.js';
import { skiffBin, startSkiff, type SkiffProcess } from '../../test/support/skiff.js';

const run = promisify(execFile);

/** The kubelet's default cgroup root: every pod's cgroup is under it. */
const CGROUP_ROOT = '/skiff';

/** A running real node. */
export interface RealNode {
  readonly server: SkiffProcess;
  readonly nodeName: string;
  /** The server's data dir (the node's containerd lives in `DIR/containerd`). */
  readonly dataDir: string;
  /** Where containerd writes its log (CRI calls at info level, with ns timestamps). */
  readonly containerdLog: string;
  /** PID of the node's containerd. */
  containerdPid(): number;
  /** The busybox test image, imported. */
  readonly image: string;
  /** This process's API client. */
  readonly api: Client;
  /** This process's CRI client of the node's containerd. */
  readonly cri: CriClient;
  /** Remove every sandbox, stop the server, remove every trace. */
  stop(): Promise<void>;
}

const ready = (n: KubeObject): boolean =>
  ((n as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** Start the node and wait until it is Ready with the image imported; throws (after cleaning up) when real containers cannot run here. */
export async function startRealNode(o: { nodeName: string; log: (line: string) => void; nodeArgs?: string[] }): Promise<RealNode> {
  const missing = containerRuntimeMissing();
  if (missing !== undefined) throw new Error(`a real node cannot run here: ${missing}`);
  const root = mkdtempSync(join(tmpdir(), 'skiff-bench-node-'));
  const dataDir = join(root, 'server');
  const paths = containerdPaths(dataDir);
  let server: SkiffProcess | undefined;
  let api: Client | undefined;
  let cri: CriClient | undefined;
  const stop = async (): Promise<void> => {
    if (cri) await removeSandboxes(cri);
    cri?.close();
    api?.close();
    const exit = await server?.stop();
    if (exit !== undefined && exit !== 0) o.log(`  skiff server exited with ${String(exit)}; its last lines:\n${(server?.logs() ?? '').split('\n').slice(-30).join('\n')}`);
    // Whatever the sandbox removal missed (a run interrupted mid-way): the shims outlive containerd by design.
    killCgroupProcesses(CGROUP_ROOT);
    killShims(paths.dir);
    unmountUnder(root);
    removeCgroups(CGROUP_ROOT);
    await run('ip', ['link', 'del', POD_BRIDGE]).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  };
  try {
    server = await startSkiff({ dataDir, args: ['--runtime', 'containerd', '--node-name', o.nodeName], nodeArgs: o.nodeArgs ?? [], timeoutMs: 60_000 });
    api = new Client(credentialsFromKubeconfig(server.kubeconfig), { userAgent: 'skiff-bench-podstart' });
    const client = api;
    for (let i = 0; ; i++) {
      const node = await client.get(nodes, '', o.nodeName).catch(() => undefined);
      if (node && ready(node)) break;
      if (i > 600 || server.child.exitCode !== null) throw new Error(`node ${o.nodeName} not Ready:\n${server.logs()}`);
      await sleep(100);
    }
    const archive = buildBusyboxImage(join(root, 'busybox.tar'));
    await run(process.execPath, [skiffBin, 'image', 'import', '--data-dir', dataDir, archive], { timeout: 60_000 });
    cri = newCriClient(paths.socket, { timeoutMs: 60_000 });
    const s = server;
    return {
      server: s,
      nodeName: o.nodeName,
      dataDir,
      containerdLog: paths.logFile,
      containerdPid: () => Number(readFileSync(paths.pidFile, 'utf8').trim()),
      image: BUSYBOX_TEST_IMAGE,
      api: client,
      cri,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Stop and remove every sandbox (and so its containers), ignoring failures: this is clean-up. */
export async function removeSandboxes(cri: CriClient): Promise<void> {
  try {
    const all = await cri.listPodSandbox(undefined, { timeoutMs: 10_000 });
    await Promise.all(all.map(async (s) => {
      await cri.stopPodSandbox(s.id, { timeoutMs: 30_000 }).catch(() => undefined);
      await cri.removePodSandbox(s.id, { timeoutMs: 30_000 }).catch(() => undefined);
    }));
  } catch {
    // containerd may be gone; the steps after this clean up behind it
  }
}
