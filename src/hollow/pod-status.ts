/**
 * What a hollow node reports about a pod, as the kubelet's status manager
 * would: pure functions from the pod (its spec, annotations and the status
 * written so far) and the time to the next status, plus when to look again.
 * Simulated containers start at once, become ready after their readiness
 * probe's `initialDelaySeconds`, and exit when annotations.ts says so.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../api/meta.js';
import { EXIT_AFTER_ANNOTATION, exitCode, secondsAnnotation } from './annotations.js';
import { time } from './node.js';

interface Container {
  name: string;
  image?: string;
  restartPolicy?: string;
  readinessProbe?: { initialDelaySeconds?: number } | null;
}

/** The parts of a Pod a hollow node reads. */
export interface Pod extends KubeObject {
  spec?: { nodeName?: string; restartPolicy?: string; containers?: Container[]; initContainers?: Container[] };
  status?: PodStatus;
}

interface Terminated {
  exitCode: number;
  reason: string;
  startedAt: string;
  finishedAt: string;
  containerID: string;
}

interface ContainerState {
  running?: { startedAt: string };
  terminated?: Terminated;
  waiting?: { reason?: string; message?: string };
}

export interface ContainerStatus {
  name: string;
  state: ContainerState;
  lastState: ContainerState;
  ready: boolean;
  restartCount: number;
  image: string;
  imageID: string;
  containerID: string;
  started: boolean;
}

export interface PodCondition {
  type: string;
  status: string;
  lastProbeTime: null;
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

export interface PodStatus {
  phase?: string;
  conditions?: PodCondition[];
  hostIP?: string;
  hostIPs?: { ip: string }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
  initContainerStatuses?: ContainerStatus[];
  containerStatuses?: ContainerStatus[];
  [field: string]: unknown;
}

/** Where the pod runs and when it is. */
export interface StatusEnv {
  readonly now: number;
  readonly hostIP: string;
  readonly podIP: string;
  /** Scheme of container IDs (`hollow`). */
  readonly runtime: string;
}

/** The status to write (undefined: nothing changed) and when the pod must be looked at again (ms, epoch). */
export interface StatusPlan {
  readonly status?: PodStatus;
  readonly recheckAt?: number;
}

const TERMINAL = new Set(['Succeeded', 'Failed']);
/** Conditions the kubelet owns; others (PodScheduled, DisruptionTarget…) are kept as they are. */
const KUBELET_CONDITIONS = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady'];

export const isTerminal = (pod: Pod): boolean => TERMINAL.has(pod.status?.phase ?? '');

/** `nginx` → `docker.io/library/nginx:latest`, as containerd names the image it pulled. */
export function normalizeImage(image: string): string {
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  const domain = first.includes('.') || first.includes(':') || first === 'localhost';
  let name = domain ? image : `docker.io/${slash < 0 ? 'library/' : ''}${image}`;
  const last = name.slice(name.lastIndexOf('/') + 1);
  if (!last.includes(':') && !name.includes('@')) name += ':latest';
  return name;
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function imageID(image: string): string {
  const n = normalizeImage(image);
  const repo = n.replace(/@.*$/, '').replace(/:[^:/]*$/, '');
  return `${repo}@sha256:${sha(n)}`;
}

const containerID = (env: StatusEnv, pod: Pod, name: string, restarts: number) => `${env.runtime}://${sha(`${pod.metadata.uid ?? ''}/${name}/${restarts}`)}`;

function running(env: StatusEnv, pod: Pod, c: Container, restartCount: number, lastState: ContainerState): ContainerStatus {
  const image = normalizeImage(c.image ?? '');
  return { name: c.name, state: { running: { startedAt: time(env.now) } }, lastState, ready: false, restartCount, image, imageID: imageID(c.image ?? ''), containerID: containerID(env, pod, c.name, restartCount), started: true };
}

/** An init container that ran to completion before the app containers. */
function completedInit(env: StatusEnv, pod: Pod, c: Container): ContainerStatus {
  const id = containerID(env, pod, c.name, 0);
  const at = time(env.now);
  return { name: c.name, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: at, finishedAt: at, containerID: id } }, lastState: {}, ready: true, restartCount: 0, image: normalizeImage(c.image ?? ''), imageID: imageID(c.image ?? ''), containerID: id, started: false };
}

function terminate(s: ContainerStatus, code: number, finishedAt: number, reason = code === 0 ? 'Completed' : 'Error'): ContainerStatus {
  const startedAt = s.state.running?.startedAt ?? time(finishedAt);
  return { ...s, state: { terminated: { exitCode: code, reason, startedAt, finishedAt: time(finishedAt), containerID: s.containerID } }, ready: false, started: false };
}

const startedMs = (s: ContainerStatus) => Date.parse(s.state.running?.startedAt ?? '');

/**
 * The next status of a pod bound to this node and not being deleted: start
 * it, mark containers ready when their probes' delays pass, run the
 * exit-after annotation (restart or end the pod).
 */
export function planPodStatus(pod: Pod, env: StatusEnv): StatusPlan {
  if (isTerminal(pod)) return {};
  const old = pod.status ?? {};
  const policy = pod.spec?.restartPolicy ?? 'Always';
  const containers = pod.spec?.containers ?? [];
  const inits = pod.spec?.initContainers ?? [];
  const known = new Map((old.containerStatuses ?? []).map((s) => [s.name, s]));
  const knownInit = new Map((old.initContainerStatuses ?? []).map((s) => [s.name, s]));
  let recheckAt: number | undefined;
  const soon = (at: number) => (recheckAt = recheckAt === undefined ? at : Math.min(recheckAt, at));
  // Sidecars (init containers with restartPolicy Always) keep running beside the app containers.
  const initStatuses = inits.map((c) => knownInit.get(c.name) ?? (c.restartPolicy === 'Always' ? running(env, pod, c, 0, {}) : completedInit(env, pod, c)));
  const exitAfter = secondsAnnotation(pod, EXIT_AFTER_ANNOTATION);
  const code = exitCode(pod);
  const restarts = policy === 'Always' || (policy === 'OnFailure' && code !== 0);
  let statuses = containers.map((c) => {
    let s = known.get(c.name) ?? running(env, pod, c, 0, {});
    if (exitAfter !== undefined && s.state.running) {
      const exitAt = startedMs(s) + exitAfter * 1000;
      if (exitAt <= env.now) {
        const ended = terminate(s, code, env.now);
        s = restarts ? running(env, pod, c, s.restartCount + 1, ended.state) : ended;
      }
      if (s.state.running) soon(startedMs(s) + exitAfter * 1000);
    }
    return s;
  });
  statuses = statuses.map((s, i) => withReadiness(s, containers[i], env.now, soon));
  const sidecars = initStatuses.map((s, i) => (s.state.running ? withReadiness(s, inits[i], env.now, soon) : s));
  const done = statuses.length > 0 && statuses.every((s) => s.state.terminated);
  const phase = done ? (statuses.every((s) => s.state.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed') : 'Running';
  const status: PodStatus = {
    ...old,
    phase,
    conditions: podConditions(old.conditions ?? [], phase, [...sidecars.filter((s) => s.state.running), ...statuses], env.now),
    hostIP: env.hostIP,
    hostIPs: [{ ip: env.hostIP }],
    podIP: env.podIP,
    podIPs: [{ ip: env.podIP }],
    startTime: old.startTime ?? time(env.now),
    ...(inits.length ? { initContainerStatuses: sidecars } : {}),
    containerStatuses: statuses,
  };
  return { ...(sameJSON(status, old) ? {} : { status }), ...(recheckAt === undefined ? {} : { recheckAt }) };
}

function withReadiness(s: ContainerStatus, c: Container | undefined, now: number, soon: (at: number) => void): ContainerStatus {
  if (!s.state.running) return s;
  const readyAt = startedMs(s) + (c?.readinessProbe?.initialDelaySeconds ?? 0) * 1000;
  if (readyAt > now) soon(readyAt);
  return { ...s, ready: readyAt <= now };
}

/**
 * The status of a pod whose deletion the node carried out: every container
 * terminated (`killed` at the end of the grace period: 137, else exited 0),
 * the pod in a terminal phase, as the kubelet reports before it deletes it.
 */
export function terminatedStatus(pod: Pod, now: number, killed: boolean): PodStatus {
  const old = pod.status ?? {};
  const end = (s: ContainerStatus) => (s.state.running ? terminate(s, killed ? 137 : 0, now) : { ...s, ready: false });
  const statuses = (old.containerStatuses ?? []).map(end);
  const phase = statuses.length > 0 && statuses.every((s) => s.state.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
  return {
    ...old,
    phase,
    conditions: podConditions(old.conditions ?? [], phase, statuses, now),
    ...(old.initContainerStatuses ? { initContainerStatuses: old.initContainerStatuses.map(end) } : {}),
    containerStatuses: statuses,
  };
}

/** The kubelet's conditions for the containers' state, keeping transition times that did not change and conditions it does not own. */
export function podConditions(old: readonly PodCondition[], phase: string, statuses: readonly ContainerStatus[], now: number): PodCondition[] {
  const terminal = TERMINAL.has(phase);
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const terminalReason = phase === 'Succeeded' ? 'PodCompleted' : 'PodFailed';
  const containersReady: Omit<PodCondition, 'lastProbeTime' | 'lastTransitionTime'> = terminal
    ? { type: 'ContainersReady', status: 'False', reason: terminalReason }
    : unready.length
      ? { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` }
      : { type: 'ContainersReady', status: 'True' };
  const wanted = [
    { type: 'PodReadyToStartContainers', status: terminal ? 'False' : 'True' },
    { type: 'Initialized', status: 'True', ...(phase === 'Succeeded' ? { reason: 'PodCompleted' } : {}) },
    { ...containersReady, type: 'Ready' },
    containersReady,
  ];
  const out: PodCondition[] = wanted.map((c) => {
    const prev = old.find((o) => o.type === c.type);
    const since = prev?.status === c.status ? prev.lastTransitionTime : time(now);
    return { ...c, lastProbeTime: null, lastTransitionTime: since };
  });
  // A pod created with nodeName set was never bound: the kubelet marks it scheduled itself.
  out.push(old.find((c) => c.type === 'PodScheduled') ?? { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: time(now) });
  for (const c of old) if (c.type !== 'PodScheduled' && !KUBELET_CONDITIONS.includes(c.type)) out.push(c);
  return out;
}

/** Deep equality of JSON values, ignoring the order of object keys and null fields (the server may store either differently). */
export function sameJSON(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameJSON(v, b[i]));
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra).filter((k) => ra[k] !== undefined && ra[k] !== null);
  const kb = Object.keys(rb).filter((k) => rb[k] !== undefined && rb[k] !== null);
  return ka.length === kb.length && ka.every((k) => sameJSON(ra[k], rb[k]));
}
