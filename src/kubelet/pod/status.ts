/**
 * The pod status the kubelet reports (upstream's generateAPIPodStatus and
 * getPhase), built purely from what CRI says about the pod's containers.
 */
import { normalizeImage, podConditions, time, type ContainerStatus, type PodStatus } from '../../hollow/index.js';
import type { ContainerStatus as CriContainerStatus } from '../cri/types.js';
import type { Pod, PodContainer } from './types.js';

/** Why a container is not running, when the kubelet knows better than CRI (image pull, back-off, config). */
export interface Waiting {
  readonly reason: string;
  readonly message?: string;
}

/** What the kubelet observed of one container: its newest instance, the one before, and why it waits. */
export interface Observed {
  readonly latest?: CriContainerStatus;
  readonly previous?: CriContainerStatus;
  readonly waiting?: Waiting;
  /** What the probes say of the running instance (absent: no probes, so started and ready once running). */
  readonly started?: boolean;
  readonly ready?: boolean;
}

/** Everything the status is built from besides the pod. */
export interface StatusInput {
  readonly now: number;
  readonly hostIP: string;
  readonly podIP?: string;
  readonly init: ReadonlyMap<string, Observed>;
  readonly app: ReadonlyMap<string, Observed>;
  /** The pod is being deleted and its containers are stopped: its phase is final whatever its restart policy (Succeeded if every container exited 0). */
  readonly stopped?: boolean;
}

/** CRI's nanoseconds since the epoch to metav1.Time. */
const nanoTime = (ns: string): string => time(Number(BigInt(ns) / 1_000_000n));

type State = ContainerStatus['state'];

function terminated(cs: CriContainerStatus): State {
  const reason = cs.reason || (cs.exitCode === 0 ? 'Completed' : 'Error');
  return {
    terminated: {
      exitCode: cs.exitCode, reason, ...(cs.message ? { message: cs.message } : {}),
      startedAt: nanoTime(cs.startedAt), finishedAt: nanoTime(cs.finishedAt), containerID: `containerd://${cs.id}`,
    },
  };
}

/** One container's status, as upstream's convertToAPIContainerStatuses. */
export function containerStatus(c: PodContainer, o: Observed): ContainerStatus {
  const l = o.latest;
  const running = l?.state === 'CONTAINER_RUNNING';
  const exited = l?.state === 'CONTAINER_EXITED';
  let state: State;
  let lastState: State = o.previous?.state === 'CONTAINER_EXITED' ? terminated(o.previous) : {};
  if (running) state = { running: { startedAt: nanoTime(l.startedAt) } };
  else if (exited && o.waiting) {
    // Waiting to restart (CrashLoopBackOff): the exit is the last state.
    state = { waiting: { reason: o.waiting.reason, ...(o.waiting.message ? { message: o.waiting.message } : {}) } };
    lastState = terminated(l);
  } else if (exited) state = terminated(l);
  else state = { waiting: { reason: o.waiting?.reason ?? 'ContainerCreating', ...(o.waiting?.message ? { message: o.waiting.message } : {}) } };
  return {
    name: c.name,
    state,
    lastState,
    ready: running && o.ready !== false,
    restartCount: l?.metadata?.attempt ?? 0,
    image: l?.image?.image && !l.image.image.startsWith('sha256:') ? l.image.image : normalizeImage(c.image ?? ''),
    imageID: l?.imageRef ?? '',
    containerID: l ? `containerd://${l.id}` : '',
    started: running && o.started !== false,
  };
}

/** True once every init container exited 0 (then the app containers run). */
export function initialized(pod: Pod, init: ReadonlyMap<string, Observed>): boolean {
  return (pod.spec?.initContainers ?? []).every((c) => {
    const l = init.get(c.name)?.latest;
    return l?.state === 'CONTAINER_EXITED' && l.exitCode === 0;
  });
}

/** An init container that failed for good (restartPolicy Never): the pod fails. */
function initFailed(pod: Pod, init: ReadonlyMap<string, Observed>): boolean {
  if (pod.spec?.restartPolicy !== 'Never') return false;
  return (pod.spec.initContainers ?? []).some((c) => {
    const l = init.get(c.name)?.latest;
    return l?.state === 'CONTAINER_EXITED' && l.exitCode !== 0;
  });
}

/** The pod's phase from its containers' statuses, as upstream's getPhase. */
export function podPhase(pod: Pod, statuses: readonly ContainerStatus[], init: ReadonlyMap<string, Observed>): string {
  if (initFailed(pod, init)) return 'Failed';
  if (!initialized(pod, init)) return 'Pending';
  let running = 0, waiting = 0, stopped = 0, succeeded = 0;
  for (const s of statuses) {
    if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState.terminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (policy === 'Always') return 'Running';
  if (stopped === succeeded) return 'Succeeded';
  // OnFailure restarts the failed ones; Never gives up.
  return policy === 'Never' ? 'Failed' : 'Running';
}

/** The status to report for `pod`. */
export function buildPodStatus(pod: Pod, input: StatusInput): PodStatus {
  const old = pod.status ?? {};
  const spec = pod.spec ?? {};
  const initStatuses = (spec.initContainers ?? []).map((c) => containerStatus(c, input.init.get(c.name) ?? {}));
  const appStatuses = (spec.containers ?? []).map((c) => {
    const o = input.app.get(c.name) ?? {};
    // App containers wait for the init containers under upstream's reason.
    return containerStatus(c, o.latest || o.waiting || initialized(pod, input.init) ? o : { waiting: { reason: 'PodInitializing' } });
  });
  const phase = input.stopped === true
    ? (appStatuses.length > 0 && appStatuses.every((s) => s.state.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed')
    : podPhase(pod, appStatuses, input.init);
  let conditions = podConditions(old.conditions ?? [], phase, appStatuses, input.now);
  if (!initialized(pod, input.init) && phase === 'Pending') {
    const pending = initStatuses.filter((s) => !(s.state.terminated?.exitCode === 0)).map((s) => s.name);
    const prev = old.conditions?.find((c) => c.type === 'Initialized');
    conditions = conditions.map((c) => (c.type === 'Initialized'
      ? { ...c, status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${pending.join(' ')}]`, lastTransitionTime: prev?.status === 'False' ? prev.lastTransitionTime : time(input.now) }
      : c));
  }
  const podIP = input.podIP ?? old.podIP;
  return {
    ...old,
    phase,
    conditions,
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    ...(podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
    startTime: old.startTime ?? time(input.now),
    ...(initStatuses.length > 0 ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses: appStatuses,
  };
}
