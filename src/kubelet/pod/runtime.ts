/**
 * The kubelet's calls to CRI for one pod: find its sandbox and containers,
 * run a sandbox, make an image present, start a container, and tear it all
 * down. Results the pod status reports (a failed pull, a bad config) come
 * back as {@link ContainerStartError}s carrying upstream's waiting reason.
 */
import { mkdirSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CriClient } from '../cri/client.js';
import type { ContainerStatus as CriContainerStatus, Image, PodSandbox, PodSandboxConfig } from '../cri/types.js';
import { containerEnv, EnvError, expandCommand, type EnvSources } from '../env.js';
import { DownwardError } from '../downward.js';
import type { ProbeTarget } from '../probe.js';
import { containerMounts, VolumeError } from '../volumes.js';
import { runHook } from './hooks.js';
import { pullCredentials, type PullSecret } from './pullsecrets.js';
import { effectiveSecurity, nonRootViolation } from './security.js';
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
  /** Run the local copy of an image when its pull cannot reach the registry (default on; upstream fails). */
  readonly offlineImageFallback: boolean;
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
 * True if a pull failed because no registry answered (DNS, refused, timed
 * out, no route), not because one refused the image (401/403/404).
 */
export function registryUnreachable(message: string): boolean {
  // Quoted parts are the image reference and URLs (containerd's `image "…"`, `Head "…"`): a name such as
  // `app/access-denied:404` must not read as a refusal. Status codes and errors stand outside quotes.
  const answered = message.replace(/"[^"]*"/g, '""');
  if (/\b(401|403|404)\b|unauthorized|forbidden|denied|not found|manifest unknown/i.test(answered)) return false;
  return /no such host|server misbehaving|connection refused|i\/o timeout|network is unreachable|no route to host|dial tcp|timeout|temporary failure in name resolution|connection reset/i.test(message);
}

/**
 * Make the container's image present and return it. With
 * `offlineImageFallback`, a pull that fails because the registry cannot be
 * reached (policy Always, or `:latest`) runs the local copy, with a Warning
 * event; otherwise it fails as upstream's does.
 */
export async function ensureImage(rt: PodRuntime, c: PodContainer, sandbox: PodSandboxConfig, note: NoteEvent, pullSecrets: readonly PullSecret[] = []): Promise<Image> {
  const spec = { image: c.image ?? '' };
  const policy = pullPolicy(c);
  const local = await rt.cri.imageStatus(spec);
  if (local && policy !== 'Always') {
    note('Normal', 'Pulled', `Container image "${spec.image}" already present on machine`);
    return local;
  }
  if (!local && policy === 'Never') throw new ContainerStartError('ErrImageNeverPull', `Container image "${spec.image}" is not present with pull policy of Never`);
  note('Normal', 'Pulling', `Pulling image "${spec.image}"`);
  const started = Date.now();
  try {
    // Each credential of the image's registry in turn, as upstream; none: an anonymous pull.
    const auths = pullCredentials(spec.image, pullSecrets);
    for (let i = 0; ; i++) {
      try {
        await rt.cri.pullImage(spec, auths[i], sandbox);
        break;
      } catch (err) {
        if (i + 1 >= auths.length) throw err;
      }
    }
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    if (local && rt.offlineImageFallback && registryUnreachable(why)) {
      note('Warning', 'Pulled', `Failed to pull image "${spec.image}" (${why}); the registry cannot be reached, so the copy present on the node runs (--offline-image-fallback)`);
      return local;
    }
    note('Warning', 'Failed', `Failed to pull image "${spec.image}": ${why}`);
    throw new ContainerStartError('ErrImagePull', `failed to pull image "${spec.image}": ${why}`, { cause: err });
  }
  const pulled = await rt.cri.imageStatus(spec);
  if (!pulled) throw new ContainerStartError('ErrImagePull', `image "${spec.image}" is not present after its pull`);
  note('Normal', 'Pulled', `Successfully pulled image "${spec.image}" in ${Date.now() - started}ms`);
  return pulled;
}

/** What starting a container needs besides the pod: its sandbox, where env and mounts come from, and how to reach it. */
export interface StartInput {
  readonly sandbox: { id: string; config: PodSandboxConfig };
  readonly sources: EnvSources;
  /** Host paths of the pod's volumes, by name. */
  readonly volumes: ReadonlyMap<string, string>;
  /** The pod's IP (hooks' httpGet). */
  readonly podIP: string;
  readonly note: NoteEvent;
  /** The pod's `imagePullSecrets`, read. */
  readonly pullSecrets?: readonly PullSecret[];
}

/** A probe or hook target for container instance `id`: exec through CRI, HTTP and TCP to the pod IP. */
export function probeTarget(rt: PodRuntime, c: PodContainer, id: string, podIP: string): ProbeTarget {
  return {
    podIP,
    ports: c.ports ?? [],
    exec: async (cmd, timeoutSeconds) => {
      const r = await rt.cri.execSync(id, cmd, timeoutSeconds);
      return { exitCode: r.exitCode, output: Buffer.concat([r.stdout, r.stderr]).toString('utf8') };
    },
  };
}

/** Create and start the container's `attempt`-th instance in the sandbox, then run its postStart hook. */
export async function startContainer(rt: PodRuntime, pod: Pod, c: PodContainer, attempt: number, input: StartInput): Promise<string> {
  const { sandbox, note } = input;
  const image = await ensureImage(rt, c, sandbox.config, note, input.pullSecrets);
  const describe = `(pod: "${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})", container: ${c.name})`;
  const configError = (message: string, cause?: unknown): ContainerStartError => {
    note('Warning', 'Failed', `Error: ${message}`);
    return new ContainerStartError('CreateContainerConfigError', message, { cause });
  };
  const nonRoot = nonRootViolation(effectiveSecurity(pod, c), { ...(image.uid ? { uid: Number(image.uid.value) } : {}), username: image.username });
  if (nonRoot) throw configError(`${nonRoot} ${describe}`);
  let env, mounts;
  try {
    env = await containerEnv(pod, c, input.sources);
    mounts = await containerMounts(c.volumeMounts ?? [], input.volumes);
  } catch (err) {
    if (err instanceof EnvError || err instanceof DownwardError || err instanceof VolumeError) throw configError(err.message, err);
    throw err;
  }
  const { command, args } = expandCommand(c, env);
  let id: string;
  try {
    id = await rt.cri.createContainer(sandbox.id, containerConfig(pod, c, attempt, { imageRef: image.id, env: env.env, command, args, mounts }), sandbox.config);
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
  const postStart = c.lifecycle?.postStart;
  if (postStart) {
    // As upstream, a failed postStart hook kills the container; it restarts as its policy says.
    const failed = await runHook(postStart, pod, c.name, probeTarget(rt, c, id, input.podIP), pod.spec?.terminationGracePeriodSeconds ?? 30);
    if (failed) {
      note('Warning', 'FailedPostStartHook', failed);
      await rt.cri.stopContainer(id, 0);
      throw new ContainerStartError('PostStartHookError', failed);
    }
  }
  return id;
}

/** What running preStop hooks needs: the pod as the API has it, its IP, and where events go. */
export interface StopHooks {
  readonly pod: Pod;
  readonly podIP: string;
  readonly note: NoteEvent;
}

/**
 * Stop every container of the pod: its preStop hook first (when `hooks` are
 * given), then SIGTERM, SIGKILL once `graceSeconds` have passed in all;
 * then stop and remove its sandboxes and cgroup.
 */
export async function killPod(rt: PodRuntime, uid: string, graceSeconds: number, remove: boolean, hooks?: StopHooks): Promise<void> {
  for (const s of await podSandboxes(rt, uid)) {
    const containers = await rt.cri.listContainers({ podSandboxId: s.id });
    await Promise.all(containers.filter((c) => c.state === 'CONTAINER_RUNNING').map(async (c) => {
      const started = Date.now();
      const spec = hooks?.pod.spec?.containers?.find((x) => x.name === c.labels[CONTAINER_NAME_LABEL]);
      const preStop = spec?.lifecycle?.preStop;
      if (hooks && spec && preStop && graceSeconds > 0) {
        const failed = await runHook(preStop, hooks.pod, spec.name, probeTarget(rt, spec, c.id, hooks.podIP), graceSeconds);
        if (failed) hooks.note('Warning', 'FailedPreStopHook', failed);
      }
      // The hook's time comes out of the grace period, as upstream (which leaves at least 2 s).
      const left = graceSeconds > 0 ? Math.max(2, graceSeconds - Math.floor((Date.now() - started) / 1000)) : 0;
      await rt.cri.stopContainer(c.id, left);
    }));
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
