/**
 * The skiff side of the pod start benchmark: pods created through the API
 * of a real node, timed from the start of each create request to this
 * process's watch showing the pod Running and Ready, and split into where
 * the time went with containerd's own log of the CRI calls (see cri-log.ts).
 */
import { performance } from 'node:perf_hooks';
import { pods } from '../../src/api/core/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import type { Client } from '../../src/client/index.js';
import { logOffset, readCriTimes, type CriTimes } from './cri-log.js';
import type { PodWaits } from './pod-waits.js';
import { round, summarize, type Summary } from './stats.js';

/** Namespace and label of the benchmark's pods. */
export const NAMESPACE = 'default';
export const LABEL = 'bench=podstart';

/** A busybox `sleep 3600` pod, as the issue asks (image imported beforehand, so IfNotPresent never pulls). */
export const podObject = (name: string, image: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: NAMESPACE, labels: { bench: 'podstart' } },
  spec: { containers: [sleeper(image)] },
});

/** The pod's one container. */
export const sleeper = (image: string) => ({ name: 'sleep', image, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] });

/** One pod's timeline, in `performance.now()` ms; CRI times as containerd logged them. */
export interface PodTimeline {
  readonly name: string;
  readonly t0: number;
  readonly created: number;
  readonly seen?: number;
  readonly bound?: number;
  readonly running?: number;
  readonly cri?: CriTimes;
}

/** Where one pod's start time went, in ms, each a summary over the pods. */
export interface Breakdown {
  /** Create request start → response. */
  readonly createRequest: Summary;
  /** Create request start → the watch shows the pod bound (API write, scheduler, binding, watch delivery). */
  readonly toBound: Summary;
  /** Watch shows it bound → containerd starts RunPodSandbox (the kubelet's watch, queue, ListPodSandbox). */
  readonly boundToRunPodSandbox: Summary;
  readonly runPodSandbox: Summary;
  /** RunPodSandbox returned → CreateContainer starts (ListContainers + statuses, ImageStatus, env, events). */
  readonly sandboxToCreateContainer: Summary;
  readonly createContainer: Summary;
  readonly createToStartContainer: Summary;
  readonly startContainer: Summary;
  /** StartContainer returned → the watch shows Running and Ready (ContainerStatus, PodSandboxStatus, status patch, watch delivery). */
  readonly startedToWatchRunning: Summary;
  /** The three CRI calls containerd served, together. */
  readonly criCalls: Summary;
  /** Everything else: total minus the three CRI calls. */
  readonly overhead: Summary;
}

/**
 * Create the pods one after the other, each waited for and followed by
 * `afterEach` (or with `all`, every request issued at once), wait until
 * every one is Running and Ready, and return their timelines with the CRI
 * times of this phase's part of containerd's log.
 */
export async function startPods(api: Client, waits: PodWaits, names: readonly string[], image: string, containerdLog: string, all: boolean, afterEach?: (i: number) => Promise<void>): Promise<PodTimeline[]> {
  const from = logOffset(containerdLog);
  const out: { name: string; t0: number; created: number }[] = [];
  const one = async (name: string): Promise<void> => {
    const t0 = performance.now();
    await api.create(pods, NAMESPACE, podObject(name, image));
    out.push({ name, t0, created: performance.now() });
    await within(waits.running(`${NAMESPACE}/${name}`), RUNNING_TIMEOUT_MS, `pod ${name} Running`);
  };
  if (all) await Promise.all(names.map(one));
  else {
    for (const [i, name] of names.entries()) {
      await one(name);
      await afterEach?.(i);
    }
  }
  const cri = readCriTimes(containerdLog, from);
  return out.map((p) => ({ ...p, ...waits.arrivals(`${NAMESPACE}/${p.name}`), ...withCri(cri.get(`${NAMESPACE}/${p.name}`)) }));
}

/** A pod not Running this long after its create request fails the run (a broken node must not hang it). */
const RUNNING_TIMEOUT_MS = 300_000;

/** `p`, or a rejection after `ms`. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => { reject(new Error(`timed out after ${String(ms / 1000)} s waiting for ${what}`)); }, ms); });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

const withCri = (cri: CriTimes | undefined): { cri?: CriTimes } => (cri ? { cri } : {});

/** Delete the pods (grace 0, as a test's clean-up) and wait until the watch and the runtime no longer have them; resolves with the time it took. */
export async function deletePods(api: Client, waits: PodWaits, names: readonly string[], sandboxesLeft: () => Promise<number>): Promise<number> {
  const t0 = performance.now();
  await Promise.all(names.map(async (name) => {
    await api.delete(pods, NAMESPACE, name, { gracePeriodSeconds: 0 });
    await within(waits.deleted(`${NAMESPACE}/${name}`), RUNNING_TIMEOUT_MS, `pod ${name} gone`);
  }));
  for (let i = 0; (await sandboxesLeft()) > 0; i++) {
    if (i > 1200) throw new Error('the kubelet did not remove the deleted pods\' sandboxes within 120 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return performance.now() - t0;
}

/** containerd's epoch ms → this process's `performance.now()` ms. */
const perf = (epoch: number | undefined): number => (epoch === undefined ? Number.NaN : epoch - performance.timeOrigin);

/** Per pod: create request start → watch shows Running and Ready. */
export const totals = (ps: readonly PodTimeline[]): number[] => ps.map((p) => (p.running ?? Number.NaN) - p.t0).filter(Number.isFinite);

/** Where one pod's time went, in ms (see {@link Breakdown}); undefined unless every step was seen. */
export type Segments = { readonly name: string; readonly total: number } & { readonly [K in keyof Breakdown]: number };

/** The pod's {@link Segments}. */
export function segments(p: PodTimeline): Segments | undefined {
  const [sb, cc, sc] = [p.cri?.runPodSandbox, p.cri?.createContainer, p.cri?.startContainer].map((s) => ({ start: perf(s?.start), end: perf(s?.end) }));
  if (!sb || !cc || !sc || p.running === undefined || p.bound === undefined) return undefined;
  const cri = sb.end - sb.start + (cc.end - cc.start) + (sc.end - sc.start);
  const out = {
    name: p.name,
    total: p.running - p.t0,
    createRequest: p.created - p.t0,
    toBound: p.bound - p.t0,
    boundToRunPodSandbox: sb.start - p.bound,
    runPodSandbox: sb.end - sb.start,
    sandboxToCreateContainer: cc.start - sb.end,
    createContainer: cc.end - cc.start,
    createToStartContainer: sc.start - cc.end,
    startContainer: sc.end - sc.start,
    startedToWatchRunning: p.running - sc.end,
    criCalls: cri,
    overhead: p.running - p.t0 - cri,
  };
  if (!Object.values(out).every((v) => typeof v === 'string' || Number.isFinite(v))) return undefined;
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, typeof v === 'number' ? round(v, 2) : v])) as Segments;
}

/** Where the time went, over the pods whose every step was seen. */
export function breakdown(ps: readonly Segments[]): Breakdown {
  const of = (k: keyof Breakdown) => summarize(ps.map((p) => p[k]));
  return {
    createRequest: of('createRequest'),
    toBound: of('toBound'),
    boundToRunPodSandbox: of('boundToRunPodSandbox'),
    runPodSandbox: of('runPodSandbox'),
    sandboxToCreateContainer: of('sandboxToCreateContainer'),
    createContainer: of('createContainer'),
    createToStartContainer: of('createToStartContainer'),
    startContainer: of('startContainer'),
    startedToWatchRunning: of('startedToWatchRunning'),
    criCalls: of('criCalls'),
    overhead: of('overhead'),
  };
}
