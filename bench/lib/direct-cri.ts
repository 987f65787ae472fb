/**
 * The baseline of the pod start benchmark: the same pod started straight
 * through CRI, as a minimal kubelet would with nothing else to do
 * (RunPodSandbox, CreateContainer, StartContainer), against the node's own
 * containerd and so through the same CNI network. The configs are the
 * kubelet's own builders (src/kubelet/pod/sandbox.ts) applied to the same
 * pod spec, but for the pod uid label: without it the kubelet's orphan
 * clean-up leaves these sandboxes alone.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { CriClient } from '../../src/kubelet/cri/client.js';
import type { PodSandboxConfig } from '../../src/kubelet/cri/types.js';
import { removePodCgroup } from '../../src/kubelet/pod/runtime.js';
import { containerConfig, podCgroup, podLogDirectory, sandboxConfig } from '../../src/kubelet/pod/sandbox.js';
import { POD_UID_LABEL, type Pod, type PodContainer } from '../../src/kubelet/pod/types.js';

/** Where the node keeps pod logs, and the kubelet's cgroup root. */
export interface DirectRuntime {
  readonly cri: CriClient;
  readonly dataDir: string;
  readonly cgroupRoot: string;
  /** The image's id (what the kubelet resolves with ImageStatus before each create). */
  readonly imageRef: string;
  /** The environment the kubelet gives the pod's container (the service links). */
  readonly env: readonly (readonly [string, string])[];
}

/** One pod started directly: its sandbox id and the client-side duration of each call (ms). */
export interface DirectStart {
  readonly name: string;
  readonly uid: string;
  readonly sandboxId: string;
  readonly totalMs: number;
  readonly runPodSandboxMs: number;
  readonly createContainerMs: number;
  readonly startContainerMs: number;
}

/** Start pod `name` running `container`; the timer runs from before RunPodSandbox to StartContainer's answer. */
export async function startDirect(rt: DirectRuntime, name: string, namespace: string, container: PodContainer): Promise<DirectStart> {
  const uid = randomUUID();
  const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, uid }, spec: { containers: [container] } };
  const base = sandboxConfig(pod, 0, rt);
  const config: PodSandboxConfig = { ...base, labels: Object.fromEntries(Object.entries(base.labels ?? {}).filter(([k]) => k !== POD_UID_LABEL)) };
  const t0 = performance.now();
  mkdirSync(podLogDirectory(rt.dataDir, pod), { recursive: true });
  const sandboxId = await rt.cri.runPodSandbox(config);
  const t1 = performance.now();
  const run = { imageRef: rt.imageRef, env: rt.env, command: [...(container.command ?? [])], args: [...(container.args ?? [])] };
  const id = await rt.cri.createContainer(sandboxId, containerConfig(pod, container, 0, run), config);
  const t2 = performance.now();
  await rt.cri.startContainer(id);
  const t3 = performance.now();
  return { name, uid, sandboxId, totalMs: t3 - t0, runPodSandboxMs: t1 - t0, createContainerMs: t2 - t1, startContainerMs: t3 - t2 };
}

/** Stop and remove the pods' sandboxes (SIGKILL, as the kubelet does for a pod deleted with grace 0) and their cgroups. */
export async function removeDirect(rt: DirectRuntime, started: readonly DirectStart[]): Promise<void> {
  await Promise.all(started.map(async (s) => {
    await rt.cri.stopPodSandbox(s.sandboxId);
    await rt.cri.removePodSandbox(s.sandboxId);
    removePodCgroup(podCgroup(rt.cgroupRoot, s.uid));
  }));
}

/** Run `fn` over `items` with at most `limit` in flight; resolves with the results in order. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
