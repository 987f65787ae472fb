/**
 * A kubelet on CRI: it watches the pods bound to its node and runs each
 * through one pod worker at a time (a work queue keyed by pod): a sandbox,
 * the init containers in order, then the app containers, restarted as the
 * restart policy says with upstream's CrashLoopBackOff back-off; it writes
 * what CRI reports as `pods/status` patches, and on deletion stops the
 * containers within the grace period, removes the sandbox and deletes the
 * pod for good (grace 0), as the kubelet finalizes a deletion. A periodic
 * resync notices containers that exit or vanish behind its back.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { configMaps, persistentVolumeClaims, persistentVolumes, pods as podsRef, secrets, services as servicesRef } from '../api/core/index.js';
import { EventRecorder, Informer, isConflict, isNotFound, keyOf, runWorkers, sleep, WorkQueue, type Client } from '../client/index.js';
import { ordered, sameJSON } from '../hollow/index.js';
import type { KubeObject } from '../api/meta.js';
import { discardLogger, type Logger } from '../log.js';
import type { CriClient } from './cri/client.js';
import type { ContainerStatus as CriContainerStatus, PodSandboxConfig } from './cri/types.js';
import type { Allocatable } from './downward.js';
import type { EnvService, EnvSources } from './env.js';
import { ContainerStartError, killPod, type NoteEvent, podSandboxes, probeTarget, runSandbox, sandboxContainers, startContainer, type PodRuntime } from './pod/runtime.js';
import { podLogDirectory, sandboxConfig } from './pod/sandbox.js';
import { buildPodStatus, initialized, type Observed } from './pod/status.js';
import type { Pod, PodContainer } from './pod/types.js';
import { mirrorHash, type StaticPods } from './static.js';
import { Prober } from './prober.js';
import { setUpVolumes, tearDownVolumes, VolumeError, type VolumeSources } from './volumes.js';
import { newServiceAccountTokens } from './satoken.js';

/** Options of {@link runKubelet}. */
export interface KubeletOptions {
  readonly client: Client;
  readonly nodeName: string;
  readonly cri: CriClient;
  /** The node's data dir: pod logs go to `DATA_DIR/pods/<ns>_<name>_<uid>/<container>/<restart>.log`. */
  readonly dataDir: string;
  /** The node's address (`status.hostIP`, and the pod IP of hostNetwork pods). */
  readonly nodeIP: string;
  /** cgroupfs parent of the pods' cgroups (default `/skiff`). */
  readonly cgroupRoot?: string;
  /** The node's allocatable, for `resourceFieldRef` limits a container does not set. */
  readonly allocatable?: Allocatable;
  /** Every pod is synced again this often (default 2000 ms), to notice containers that exit. */
  readonly resyncMs?: number;
  /** Pods synced at the same time (default 8). */
  readonly workers?: number;
  readonly log?: Logger;
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
  /** Run the local copy of an image when its pull cannot reach the registry (default true; false is upstream's strictness). */
  readonly offlineImageFallback?: boolean;
  /** Called once the pod cache is filled. */
  readonly onReady?: () => void;
  /** The static pods of `--pod-manifest-path`, whose mirror pods this kubelet runs. */
  readonly staticPods?: Pick<StaticPods, 'has' | 'ready'>;
}

/** Upstream's CrashLoopBackOff: 10 s, doubling, at most 300 s. */
const BACKOFF_INITIAL_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;
/** Upstream never stops a container with less than 2 s of grace (minimumGracePeriodInSeconds). */
const MIN_GRACE_SECONDS = 2;
/** ConfigMap, Secret and downward API volumes follow their sources this often (upstream's sync period is a minute). */
const VOLUME_REFRESH_MS = 10_000;

/**
 * Run the pods bound to `nodeName` until `signal` aborts. The node must be
 * registered by the caller.
 *
 * @example
 * await runKubelet({ client, nodeName: 'node-1', cri, dataDir: '/var/lib/skiff', nodeIP: '10.0.0.5' }, signal);
 */
export async function runKubelet(o: KubeletOptions, signal: AbortSignal): Promise<void> {
  const log = o.log ?? discardLogger;
  const now = o.now ?? Date.now;
  const rt: PodRuntime = { cri: o.cri, dataDir: o.dataDir, cgroupRoot: o.cgroupRoot ?? '/skiff', offlineImageFallback: o.offlineImageFallback ?? true };
  const informer = new Informer<Pod>(o.client, podsRef, { fieldSelector: `spec.nodeName=${o.nodeName}`, onError: (err) => log.warn('pod watch', { err }) });
  // Service links (`<NAME>_SERVICE_HOST`…) need the services of the pod's namespace and of `default`.
  const services = new Informer<KubeObject & EnvService>(o.client, servicesRef, { onError: (err) => log.warn('service watch', { err }) });
  /** Pod uid → when its ConfigMap, Secret and downward API volumes were last written. */
  const volumesWritten = new Map<string, { at: number; paths: Map<string, string> }>();
  const podDir = (uid: string) => join(o.dataDir, 'kubelet', 'pods', uid);
  const queue = new WorkQueue<string>();
  /** Pod key → uid, to tear down a pod that vanished from the API. */
  const uids = new Map<string, string>();
  /** `uid/container` → its restart back-off delay. */
  const backoff = new Map<string, number>();
  /** `uid/container` → its image pull back-off (ImagePullBackOff). */
  const pullBackoff = new Map<string, { delayMs: number; until: number }>();
  /** `uid/container` → the exited container a BackOff event was recorded for (one event per exit). */
  const backoffNoted = new Map<string, string>();
  const recorder = new EventRecorder(o.client, 'kubelet', o.nodeName, (err) => { log.debug('event not recorded', { err }); });
  const noter = (pod: Pod): NoteEvent => (type, reason, message) => { recorder.event(pod, type, reason, message); };
  // Our own status writes do not wake the pod's worker (as upstream's pod config ignores status-only updates): the status it
  // just wrote (ErrImagePull, say) stands until the next resync.
  informer.on({ add: (p) => queue.add(keyOf(p)), update: (old, p) => { if (!statusOnly(old, p)) queue.add(keyOf(p)); }, delete: (p) => queue.add(keyOf(p)) });

  const saTokens = newServiceAccountTokens({ client: o.client, now });
  const sources = (ns: string): EnvSources & VolumeSources => ({
    configMap: (name) => getOptional(o.client, configMaps, ns, name),
    secret: (name) => getOptional(o.client, secrets, ns, name),
    claimPath: (claim) => claimPath(o.client, ns, claim),
    services: services.list().filter((svc) => svc.metadata.namespace === ns || svc.metadata.namespace === 'default'),
    allocatable: o.allocatable ?? {},
    serviceAccountToken: (audience, seconds, pod) => saTokens.token(audience, seconds, pod),
  });

  const prober = new Prober({
    changed: (key) => { queue.add(key); },
    unhealthy: (key, _container, _kind, message) => {
      const pod = informer.get(key);
      if (pod) recorder.event(pod, 'Warning', 'Unhealthy', message);
    },
    kill: (key, id, c, kind, graceSeconds) => {
      const pod = informer.get(key);
      if (!pod) return;
      recorder.event(pod, 'Normal', 'Killing', `Container ${c.name} failed ${kind} probe, will be restarted`);
      const grace = graceSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
      void o.cri.stopContainer(id, Math.max(grace, MIN_GRACE_SECONDS))
        .catch((err: unknown) => { log.warn('killing an unhealthy container failed', { pod: key, container: c.name, err }); })
        .finally(() => { queue.add(key); });
    },
  }, now, log);

  /** Pod uid → its sandbox's IP: a sandbox keeps the address CNI gave it until it is removed. */
  const ips = new Map<string, { sandbox: string; ip: string }>();
  const sandboxIP = async (uid: string, sandbox: string): Promise<string | undefined> => {
    const known = ips.get(uid);
    if (known?.sandbox === sandbox) return known.ip || undefined;
    const ip = (await o.cri.podSandboxStatus(sandbox)).status?.network?.ip ?? '';
    ips.set(uid, { sandbox, ip });
    return ip || undefined;
  };

  const forgetPod = (uid: string) => {
    for (const m of [backoff, pullBackoff, backoffNoted]) for (const k of m.keys()) if (k.startsWith(`${uid}/`)) m.delete(k);
    volumesWritten.delete(uid);
    saTokens.forget(uid);
    ips.delete(uid);
  };

  /** Stop the pod's containers and sandboxes (removed with `remove`, and its volumes with them). */
  const stopPod = async (uid: string, graceSeconds: number, remove: boolean, pod?: Pod): Promise<void> => {
    await killPod(rt, uid, graceSeconds, remove, pod ? { pod, podIP: pod.status?.podIP ?? '', note: noter(pod) } : undefined);
    if (remove) await tearDownVolumes(podDir(uid));
  };

  /** The pod's `imagePullSecrets`; missing ones are named in a warning, as upstream, and the pull goes on without them. */
  const pullSecrets = async (pod: Pod): Promise<{ data?: Record<string, string> }[]> => {
    const names = (pod.spec?.imagePullSecrets ?? []).map((s) => s.name ?? '').filter((n) => n !== '');
    const found = await Promise.all(names.map((n) => getOptional(o.client, secrets, pod.metadata.namespace ?? '', n)));
    const missing = names.filter((_, i) => found[i] === undefined);
    if (missing.length > 0) recorder.event(pod, 'Warning', 'FailedToRetrieveImagePullSecret', `Unable to retrieve some image pull secrets (${missing.join(', ')}); attempting to pull the image may not succeed.`);
    return found.filter((s) => s !== undefined);
  };

  /** The pod's volumes, set up again when the last set-up is older than {@link VOLUME_REFRESH_MS}. */
  const podVolumes = async (pod: Pod, uid: string): Promise<Map<string, string>> => {
    const last = volumesWritten.get(uid);
    if (last && now() - last.at < VOLUME_REFRESH_MS) return last.paths;
    const paths = await setUpVolumes(pod, podDir(uid), sources(pod.metadata.namespace ?? ''));
    volumesWritten.set(uid, { at: now(), paths });
    return paths;
  };

  /** True if `uid` is a static pod's (its config hash) that the manifest dir still holds. */
  const isStatic = (uid: string) => o.staticPods?.has(uid) === true;

  const sync = async (key: string): Promise<void> => {
    const found = informer.get(key);
    if (!found) {
      const uid = uids.get(key);
      uids.delete(key);
      // A mirror pod deleted through the API: its static pod runs on, and the source makes the mirror again.
      if (uid === undefined || isStatic(uid)) return;
      // Deleted from the API without us (a forced delete): its containers must not outlive it.
      await stopPod(uid, 0, true);
      forgetPod(uid);
      return;
    }
    const hash = mirrorHash(found);
    // A mirror pod runs as its static pod: the containers belong to the config hash, not to this copy's uid.
    const pod = hash === undefined ? found : { ...found, metadata: { ...found.metadata, uid: hash } };
    const uid = pod.metadata.uid ?? '';
    uids.set(key, uid);
    if (hash !== undefined && isStatic(hash) && pod.metadata.deletionTimestamp) {
      // Upstream deletes such a mirror for good and makes it again; the static pod keeps running.
      await deleteForGood(found);
      return;
    }
    if (hash !== undefined && !isStatic(hash) && !pod.metadata.deletionTimestamp) {
      // A mirror of no static pod (its manifest gone while the kubelet was down): not run; deleted, as upstream's
      // orphaned mirror pods, unless a static pod source is yet to read its directory.
      if (!o.staticPods) await deleteForGood(found);
      return;
    }
    if (pod.metadata.deletionTimestamp) return terminate(pod, uid, found.metadata.uid ?? '');
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') {
      // Nothing runs any more; the sandbox stops, its containers stay for logs until the pod is deleted.
      await stopPod(uid, 0, false);
      return;
    }
    await runPod(key, pod, uid);
  };

  const runPod = async (key: string, pod: Pod, uid: string): Promise<void> => {
    const sandboxes = await podSandboxes(rt, uid);
    const ready = sandboxes.find((s) => s.state === 'SANDBOX_READY');
    let sandbox: { id: string; config: PodSandboxConfig };
    if (ready) sandbox = { id: ready.id, config: sandboxConfig(pod, ready.metadata?.attempt ?? 0, rt) };
    else {
      // No sandbox yet, or it died (and its containers with it): a new one, as upstream's SandboxChanged.
      for (const s of sandboxes) await o.cri.removePodSandbox(s.id);
      sandbox = await runSandbox(rt, pod, sandboxes.length > 0 ? (sandboxes[0]?.metadata?.attempt ?? 0) + 1 : 0);
      log.info('sandbox started', { pod: key, sandbox: sandbox.id });
    }
    const podIP = pod.spec?.hostNetwork === true ? o.nodeIP : await sandboxIP(uid, sandbox.id);
    let volumes: Map<string, string>;
    try {
      volumes = await podVolumes(pod, uid);
    } catch (err) {
      if (!(err instanceof VolumeError)) throw err;
      // As upstream: the pod waits in ContainerCreating, with the reason in a FailedMount event, and tries again.
      recorder.event(pod, 'Warning', 'FailedMount', `MountVolume.SetUp failed for volume "${err.volume ?? ''}" : ${err.message}`);
      queue.addAfter(key, 2000);
      const waiting = (cs: readonly PodContainer[] | undefined) => new Map((cs ?? []).map((c) => [c.name, { waiting: { reason: 'ContainerCreating' } }]));
      const status = buildPodStatus(pod, { now: now(), hostIP: o.nodeIP, ...(podIP ? { podIP } : {}), init: waiting(pod.spec?.initContainers), app: waiting(pod.spec?.containers) });
      if (!sameJSON(status, pod.status)) await writeStatus(pod, status);
      return;
    }
    // A sandbox just made has no containers yet.
    const containers = ready ? await sandboxContainers(rt, sandbox.id) : new Map<string, CriContainerStatus[]>();
    const policy = pod.spec?.restartPolicy ?? 'Always';
    const ctx = { key, pod, uid, sandbox, containers, volumes, podIP: podIP ?? '' };

    const init = new Map<string, Observed>();
    for (const c of pod.spec?.initContainers ?? []) {
      const o = await advance(ctx, c, (l) => policy !== 'Never' && l.exitCode !== 0);
      init.set(c.name, o);
      if (!(o.latest?.state === 'CONTAINER_EXITED' && o.latest.exitCode === 0)) break;
    }
    const app = new Map<string, Observed>();
    if (initialized(pod, init)) {
      for (const c of pod.spec?.containers ?? []) {
        app.set(c.name, probed(ctx, c, await advance(ctx, c, (l) => policy === 'Always' || (policy === 'OnFailure' && l.exitCode !== 0))));
      }
    }
    // A container left waiting (a missing ConfigMap, a failed create) is tried again soon, not at the next full resync.
    if ([...init.values(), ...app.values()].some((x) => x.waiting !== undefined)) queue.addAfter(key, o.resyncMs ?? 2000);
    // ConfigMap, Secret, downward API and token files follow their sources (relists only sync pods whose containers changed).
    if ((pod.spec?.volumes ?? []).some((v) => v.configMap ?? v.secret ?? v.downwardAPI ?? v.projected)) queue.addAfter(key, VOLUME_REFRESH_MS);
    prober.retain(key, new Set([...app.values()].flatMap((obs) => (obs.latest?.state === 'CONTAINER_RUNNING' ? [obs.latest.id] : []))));
    const status = buildPodStatus(pod, { now: now(), hostIP: o.nodeIP, ...(podIP ? { podIP } : {}), init, app });
    if (!sameJSON(status, pod.status)) await writeStatus(pod, status);
  };

  type Ctx = { key: string; pod: Pod; uid: string; sandbox: { id: string; config: PodSandboxConfig }; containers: Map<string, CriContainerStatus[]>; volumes: Map<string, string>; podIP: string };

  /** A running container's probes are run; its status says what they found. */
  const probed = (ctx: Ctx, c: PodContainer, observed: Observed): Observed => {
    const l = observed.latest;
    if (l?.state !== 'CONTAINER_RUNNING') return observed;
    prober.track(ctx.key, l.id, c, Number(BigInt(l.startedAt) / 1_000_000n), probeTarget(rt, c, l.id, ctx.podIP));
    return { ...observed, ...prober.state(l.id) };
  };

  /** Bring one container forward: start it if it never ran, restart it if it exited and should run again (after its back-off). */
  const advance = async (ctx: Ctx, c: PodContainer, restarts: (exited: CriContainerStatus) => boolean): Promise<Observed> => {
    const [latest, previous] = ctx.containers.get(c.name) ?? [];
    const bkey = `${ctx.uid}/${c.name}`;
    if (latest && latest.state !== 'CONTAINER_EXITED') return { latest, ...(previous ? { previous } : {}) };
    if (latest && !restarts(latest)) return { latest, ...(previous ? { previous } : {}) };
    if (latest) {
      const delay = backoff.get(bkey);
      const finished = Number(BigInt(latest.finishedAt) / 1_000_000n);
      if (delay !== undefined && now() < finished + delay) {
        queue.addAfter(ctx.key, finished + delay - now());
        const m = ctx.pod.metadata;
        if (backoffNoted.get(bkey) !== latest.id) {
          backoffNoted.set(bkey, latest.id);
          recorder.event(ctx.pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${m.name ?? ''}_${m.namespace ?? ''}(${ctx.uid})`);
        }
        return { latest, waiting: { reason: 'CrashLoopBackOff', message: `back-off ${delay / 1000}s restarting failed container=${c.name} pod=${m.name ?? ''}_${m.namespace ?? ''}(${ctx.uid})` } };
      }
      backoff.set(bkey, delay === undefined ? BACKOFF_INITIAL_MS : Math.min(delay * 2, BACKOFF_MAX_MS));
      // Only the newest exited instance is kept (for lastState and `logs --previous`).
      if (previous) await o.cri.removeContainer(previous.id);
    }
    const attempt = latest ? (latest.metadata?.attempt ?? 0) + 1 : await restartsFromLogs(o.dataDir, ctx.pod, c.name);
    const pulling = pullBackoff.get(bkey);
    if (pulling && now() < pulling.until) {
      queue.addAfter(ctx.key, pulling.until - now());
      return { ...(latest ? { previous: latest } : {}), waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image ?? ''}"` } };
    }
    try {
      const id = await startContainer(rt, ctx.pod, c, attempt, { sandbox: ctx.sandbox, sources: sources(ctx.pod.metadata.namespace ?? ''), volumes: ctx.volumes, podIP: ctx.podIP, note: noter(ctx.pod), pullSecrets: await pullSecrets(ctx.pod) });
      pullBackoff.delete(bkey);
      const started = (await o.cri.containerStatus(id)).status ?? undefined;
      return { ...(started ? { latest: started } : {}), ...(latest ? { previous: latest } : {}) };
    } catch (err) {
      if (!(err instanceof ContainerStartError)) throw err;
      log.warn('container start failed', { pod: ctx.key, container: c.name, reason: err.reason, err: err.message });
      if (err.reason === 'ErrImagePull' || err.reason === 'ErrImageNeverPull') {
        // Pulls back off as restarts do (10 s doubling to 300 s); meanwhile the container waits as ImagePullBackOff.
        const delayMs = pulling ? Math.min(pulling.delayMs * 2, BACKOFF_MAX_MS) : BACKOFF_INITIAL_MS;
        pullBackoff.set(bkey, { delayMs, until: now() + delayMs });
        queue.addAfter(ctx.key, delayMs);
      }
      return { ...(latest ? { previous: latest } : {}), waiting: { reason: err.reason, message: err.message } };
    }
  };

  const writeStatus = async (pod: Pod, status: Pod['status']) => {
    try {
      await o.client.patch(podsRef, pod.metadata.namespace ?? '', pod.metadata.name ?? '', { status: ordered(status ?? {}) }, 'strategic', { subresource: 'status' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  };

  /**
   * Stop the containers within the grace period, report them terminated (the pod's phase final), remove the sandbox,
   * then delete the pod for good, as the kubelet does.
   */
  const deleteForGood = async (pod: Pod): Promise<void> => {
    try {
      await o.client.delete(podsRef, pod.metadata.namespace ?? '', pod.metadata.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid ?? '' } });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  };

  /** `apiUID` is the pod's uid in the API (a mirror pod runs under its static pod's `uid`). */
  const terminate = async (pod: Pod, uid: string, apiUID: string): Promise<void> => {
    const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    for (const c of pod.spec?.containers ?? []) recorder.event(pod, 'Normal', 'Killing', `Stopping container ${c.name}`);
    await stopPod(uid, Math.max(grace, MIN_GRACE_SECONDS), false, pod);
    const [sandbox] = await podSandboxes(rt, uid);
    if (sandbox && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed') {
      const containers = await sandboxContainers(rt, sandbox.id);
      const observe = (cs: readonly PodContainer[] | undefined) => new Map((cs ?? []).map((c) => {
        const [latest, previous] = containers.get(c.name) ?? [];
        return [c.name, { ...(latest ? { latest } : {}), ...(previous ? { previous } : {}) }];
      }));
      const status = buildPodStatus(pod, { now: now(), hostIP: o.nodeIP, init: observe(pod.spec?.initContainers), app: observe(pod.spec?.containers), stopped: true });
      await writeStatus(pod, status);
    }
    await stopPod(uid, 0, true);
    forgetPod(uid);
    await deleteForGood({ ...pod, metadata: { ...pod.metadata, uid: apiUID } });
  };

  /** Sandboxes of pods this node no longer has (deleted while the kubelet was down): removed. */
  const collectOrphans = async (): Promise<void> => {
    const live = new Set(informer.list().map((p) => mirrorHash(p) ?? p.metadata.uid ?? ''));
    const orphans = new Set<string>();
    for (const s of await o.cri.listPodSandbox()) {
      const uid = s.labels['io.kubernetes.pod.uid'];
      if (uid !== undefined && !live.has(uid) && !isStatic(uid)) orphans.add(uid);
    }
    for (const uid of orphans) {
      log.info('removing the sandbox of a pod that is gone', { uid });
      await stopPod(uid, 0, true);
      forgetPod(uid);
    }
    // Volumes of pods removed while the kubelet was down.
    for (const uid of await readdir(join(o.dataDir, 'kubelet', 'pods')).catch(() => [] as string[])) {
      if (!live.has(uid) && !orphans.has(uid)) await tearDownVolumes(podDir(uid));
    }
  };

  /**
   * As upstream's PLEG relist: every `resyncMs` one list of all sandboxes and containers; only the pods whose
   * sandboxes or containers changed state since the last relist are synced (a container that exited or vanished),
   * every pod once a minute (upstream's syncFrequency). A sync per pod per period would queue new pods behind them.
   */
  let seen = new Map<string, string>();
  let lastFull = now();
  const relist = async (): Promise<void> => {
    const [sandboxes, containers] = await Promise.all([o.cri.listPodSandbox(), o.cri.listContainers()]);
    const states = new Map<string, string[]>();
    for (const x of [...sandboxes, ...containers]) {
      const uid = x.labels['io.kubernetes.pod.uid'];
      if (uid !== undefined) states.set(uid, [...(states.get(uid) ?? []), `${x.id}=${x.state}`]);
    }
    const fingerprints = new Map([...states].map(([uid, list]) => [uid, list.sort().join(',')]));
    const full = now() - lastFull >= 60_000;
    if (full) lastFull = now();
    for (const p of informer.list()) {
      // A mirror pod's containers carry its static pod's uid.
      const uid = mirrorHash(p) ?? p.metadata.uid ?? '';
      if (full || fingerprints.get(uid) !== seen.get(uid)) queue.add(keyOf(p));
    }
    seen = fingerprints;
  };

  const resync = async (): Promise<void> => {
    const every = o.resyncMs ?? 2000;
    for (;;) {
      await sleep(every, signal);
      if (signal.aborted) return;
      await relist().catch((err: unknown) => { log.warn('relist failed', { err }); });
      await collectOrphans().catch((err: unknown) => { log.warn('orphan clean-up failed', { err }); });
    }
  };

  signal.addEventListener('abort', () => queue.shutdown(), { once: true });
  const running = [
    informer.run(signal),
    services.run(signal),
    prober.run(signal),
    runWorkers(queue, o.workers ?? 8, sync, (key, err) => log.warn('pod sync failed', { pod: key, err })),
  ];
  if (await informer.synced(signal) && await services.synced(signal)) {
    log.info('kubelet ready', { node: o.nodeName, pods: informer.list().length });
    o.onReady?.();
    running.push(resync());
  }
  await Promise.all(running);
}

/**
 * The attempt of a container's first instance in a sandbox, as upstream's calcRestartCountByLogDir: one past the
 * newest `<restart>.log` of the container, so that a new sandbox (its containers went with the old one) counts on
 * and does not overwrite the logs.
 */
async function restartsFromLogs(dataDir: string, pod: Pod, name: string): Promise<number> {
  const files = await readdir(join(podLogDirectory(dataDir, pod), name)).catch(() => [] as string[]);
  const counts = files.map((f) => /^(\d+)\.log$/.exec(f)?.[1]).filter((n) => n !== undefined).map(Number);
  return counts.length > 0 ? Math.max(...counts) + 1 : 0;
}

/** True if `a` and `b` differ at most in status (and the fields every write changes). */
function statusOnly(a: Pod, b: Pod): boolean {
  const meta = (p: Pod) => ({ ...p.metadata, resourceVersion: undefined, managedFields: undefined });
  return sameJSON(meta(a), meta(b)) && sameJSON(a.spec, b.spec);
}

/** The host path of the volume bound to claim `name` (local-path volumes are hostPath or local), or undefined while unbound. */
async function claimPath(client: Client, ns: string, name: string): Promise<string | undefined> {
  const claim = await getOptional(client, persistentVolumeClaims, ns, name) as { spec?: { volumeName?: string }; status?: { phase?: string } } | undefined;
  if (!claim) throw new VolumeError(`persistentvolumeclaim "${name}" not found`);
  const volume = claim.spec?.volumeName;
  if (!volume || claim.status?.phase !== 'Bound') return undefined;
  const pv = await getOptional(client, persistentVolumes, '', volume) as { spec?: { hostPath?: { path?: string }; local?: { path?: string } } } | undefined;
  const path = pv?.spec?.hostPath?.path ?? pv?.spec?.local?.path;
  if (path === undefined) throw new VolumeError(`persistentvolume "${volume}" has no local path this node can mount`);
  // The provisioner names the directory; the node makes it (DirectoryOrCreate).
  await mkdir(path, { recursive: true, mode: 0o777 });
  return path;
}

/** A ConfigMap or Secret, or undefined when it does not exist. */
async function getOptional(client: Client, ref: typeof configMaps, ns: string, name: string): Promise<{ data?: Record<string, string> } | undefined> {
  try {
    return await client.get(ref, ns, name) as { data?: Record<string, string> };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
