/**
 * The kubelet's calls to CRI for one pod: find its sandbox and containers,
 * run a sandbox, make an image present, start a container, and tear it all
 * down. Results the pod status reports (a failed pull, a bad config) come
 * back as {@link ContainerStartError}s carrying upstream's waiting reason.
 */
import { mkdirSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CriClient } from '../cri/client.js';
import type { ContainerStatus as CriContainerStatus, PodSandbox, PodSandboxConfig } from '../cri/types.js';
import { containerEnv, EnvError, expandCommand, type EnvSources } from '../env.js';
import { DownwardError } from '../downward.js';
import { containerConfig, podLogDirectory, sandboxConfig } from './sandbox.js';
import { CONTAINER_NAME_LABEL, POD_UID_LABEL, type Pod, type PodContainer } from './types.js';

/** A container could not be started for a reason the pod status reports (`ErrImagePull`, `CreateContainerConfigError`, …). */
export class ContainerStartError extends Error {
  override readonly name = 'ContainerStartError';
  readonly reason: string;

  constructor(reason: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

/** Records an event about the pod (the kubelet's Pulled, Created, Started…). */
export type NoteEvent = (type: 'Normal' | 'Warning', reason: string, message: string) => void;

/** What runs the pods: CRI, where logs go, the cgroup root. */
export interface PodRuntime {
  readonly cri: CriClient;
  readonly dataDir: string;
  readonly cgroupRoot: string;
}

/** The pod's sandboxes, newest first. */
export async function podSandboxes(rt: PodRuntime, uid: string): Promise<PodSandbox[]> {
  const all = await rt.cri.listPodSandbox({ labelSelector: { [POD_UID_LABEL]: uid } });
  return all.sort((a, b) => (BigInt(b.createdAt) > BigInt(a.createdAt) ? 1 : -1));
}

/** Statuses of the sandbox's containers, grouped by container name, newest first. */
export async function sandboxContainers(rt: PodRuntime, sandboxId: string): Promise<Map<string, CriContainerStatus[]>> {
  const out = new Map<string, CriContainerStatus[]>();
  for (const c of await rt.cri.listContainers({ podSandboxId: sandboxId })) {
    const status = (await rt.cri.containerStatus(c.id)).status;
    const name = c.labels[CONTAINER_NAME_LABEL] ?? c.metadata?.name ?? '';
    if (status) out.set(name, [...(out.get(name) ?? []), status]);
  }
  for (const list of out.values()) list.sort((a, b) => (b.metadata?.attempt ?? 0) - (a.metadata?.attempt ?? 0));
  return out;
}

/** Run the pod's `attempt`-th sandbox; resolves with its id and config. */
export async function runSandbox(rt: PodRuntime, pod: Pod, attempt: number): Promise<{ id: string; config: PodSandboxConfig }> {
  const config = sandboxConfig(pod, attempt, rt);
  mkdirSync(podLogDirectory(rt.dataDir, pod), { recursive: true });
  return { id: await rt.cri.runPodSandbox(config), config };
}

/** The image's pull policy as upstream defaults it: Always for `:latest` and untagged images, else IfNotPresent. */
export function pullPolicy(c: PodContainer): string {
  if (c.imagePullPolicy) return c.imagePullPolicy;
  const image = c.image ?? '';
  if (image.includes('@')) return 'IfNotPresent';
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  return tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/**
 * Make the container's image present and return its id. With policy
 * Always a failed pull falls back to the local copy (offline clusters;
 * issue 5's `--offline-image-fallback` will make this a choice).
 */
export async function ensureImage(rt: PodRuntime, c: PodContainer, sandbox: PodSandboxConfig, note: NoteEvent): Promise<string> {
  const spec = { image: c.image ?? '' };
  const policy = pullPolicy(c);
  const local = await rt.cri.imageStatus(spec);
  if (local && policy !== 'Always') {
    note('Normal', 'Pulled', `Container image "${spec.image}" already present on machine`);
    return local.id;
  }
  if (!local && policy === 'Never') throw new ContainerStartError('ErrImageNeverPull', `Container image "${spec.image}" is not present with pull policy of Never`);
  note('Normal', 'Pulling', `Pulling image "${spec.image}"`);
  const started = Date.now();
  try {
    await rt.cri.pullImage(spec, undefined, sandbox);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    if (local) {
      note('Warning', 'Pulled', `Failed to pull image "${spec.image}" (${why}); using the copy present on the node`);
      return local.id;
    }
    note('Warning', 'Failed', `Failed to pull image "${spec.image}": ${why}`);
    throw new ContainerStartError('ErrImagePull', `failed to pull image "${spec.image}": ${why}`, { cause: err });
  }
  const pulled = await rt.cri.imageStatus(spec);
  if (!pulled) throw new ContainerStartError('ErrImagePull', `image "${spec.image}" is not present after its pull`);
  note('Normal', 'Pulled', `Successfully pulled image "${spec.image}" in ${Date.now() - started}ms`);
  return pulled.id;
}

/** Create and start the container's `attempt`-th instance in the sandbox. */
export async function startContainer(rt: PodRuntime, pod: Pod, c: PodContainer, attempt: number, sandbox: { id: string; config: PodSandboxConfig }, sources: EnvSources, note: NoteEvent): Promise<string> {
  const imageRef = await ensureImage(rt, c, sandbox.config, note);
  let env;
  try {
    env = await containerEnv(pod, c, sources);
  } catch (err) {
    if (err instanceof EnvError || err instanceof DownwardError) {
      note('Warning', 'Failed', `Error: ${err.message}`);
      throw new ContainerStartError('CreateContainerConfigError', err.message, { cause: err });
    }
    throw err;
  }
  const { command, args } = expandCommand(c, env);
  let id: string;
  try {
    id = await rt.cri.createContainer(sandbox.id, containerConfig(pod, c, attempt, { imageRef, env: env.env, command, args }), sandbox.config);
  } catch (err) {
    note('Warning', 'Failed', `Error: ${err instanceof Error ? err.message : String(err)}`);
    throw new ContainerStartError('CreateContainerError', err instanceof Error ? err.message : String(err), { cause: err });
  }
  note('Normal', 'Created', `Created container ${c.name}`);
  try {
    await rt.cri.startContainer(id);
    note('Normal', 'Started', `Started container ${c.name}`);
  } catch (err) {
    note('Warning', 'Failed', `Error: ${err instanceof Error ? err.message : String(err)}`);
    // Upstream reports a start failure through the container's own exited status (RunContainerError); it stays for the next sync to see.
    throw new ContainerStartError('RunContainerError', err instanceof Error ? err.message : String(err), { cause: err });
  }
  return id;
}

/** Stop every container of the pod (SIGTERM, SIGKILL after `graceSeconds`), then stop and remove its sandboxes and cgroup. */
export async function killPod(rt: PodRuntime, uid: string, graceSeconds: number, remove: boolean): Promise<void> {
  for (const s of await podSandboxes(rt, uid)) {
    const containers = await rt.cri.listContainers({ podSandboxId: s.id });
    await Promise.all(containers.filter((c) => c.state === 'CONTAINER_RUNNING').map((c) => rt.cri.stopContainer(c.id, graceSeconds)));
    if (s.state === 'SANDBOX_READY') await rt.cri.stopPodSandbox(s.id);
    if (remove) await rt.cri.removePodSandbox(s.id);
  }
  if (remove) removePodCgroup(`${rt.cgroupRoot}/pod${uid}`);
}

/** containerd leaves the pod's cgroup (cgroupfs, v1) behind: remove its now empty dirs, deepest first. */
export function removePodCgroup(parent: string): void {
  const base = '/sys/fs/cgroup';
  let controllers: string[] = [];
  try { controllers = readdirSync(base); } catch { return; }
  const rm = (dir: string): void => {
    let entries;
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) if (e.isDirectory()) rm(join(dir, e.name));
    try { rmdirSync(dir); } catch { /* still busy or gone: the next removal retries */ }
  };
  for (const c of controllers) rm(join(base, c, parent));
}
