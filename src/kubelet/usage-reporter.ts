/**
 * The kubelet's usage reporter: every `intervalMs` (15 s, metrics-server's
 * resolution) it reads its running containers' stats from CRI
 * (ListContainerStats) and the machine's from /proc, turns cumulative CPU
 * into a rate over the interval, and writes the `skiff.io/usage`
 * annotation on a pod, or on its Node, when the usage changed meaningfully
 * (10%, at least 5m / 1 MiB) or the last write is a minute old, so the API
 * server's `metrics.k8s.io` serves real numbers without a write per pod
 * every interval.
 */
import { readFile } from 'node:fs/promises';
import { nodes as nodesRef, pods as podsRef } from '../api/core/index.js';
import { isNotFound, sleep, type ResourceRef } from '../client/index.js';
import { discardLogger, type Logger } from '../log.js';
import type { CriClient } from './cri/client.js';
import { CONTAINER_NAME_LABEL, POD_NAME_LABEL, POD_NAMESPACE_LABEL, POD_UID_LABEL } from './pod/types.js';
import {
  changedMeaningfully, cpuCores, nodeCpuCores, nodeUsageAnnotation, nodeWorkingSet, parseProcStat, podUsageAnnotation,
  USAGE_ANNOTATION, type CpuReading, type ProcStat, type Usage,
} from './usage.js';

/** Options of {@link newUsageReporter}. */
export interface UsageReporterOptions {
  /** The API client (only merge patches are sent). */
  readonly client: { readonly patch: (ref: ResourceRef, namespace: string, name: string, patch: unknown, type: 'merge') => Promise<unknown> };
  readonly cri: Pick<CriClient, 'listContainerStats'>;
  readonly nodeName: string;
  /** How often usage is sampled (default 15 000 ms); the rate is over this window. */
  readonly intervalMs?: number;
  /** A usage that did not change is written again after this long (default 60 000 ms), so readers can tell it is fresh. */
  readonly refreshMs?: number;
  /** Reads /proc/stat and /proc/meminfo (tests pass their own). */
  readonly readProc?: (file: 'stat' | 'meminfo') => Promise<string>;
  readonly now?: () => number;
  readonly log?: Logger;
}

/** One sampling round; {@link runUsageReporter} calls it every interval. */
export interface UsageReporter {
  tick(): Promise<void>;
}

/** What was last written for a pod or the node, to skip writes that change nothing that matters. */
interface Written {
  readonly usage: ReadonlyMap<string, Usage>;
  readonly atMs: number;
}

const NODE_KEY = '';

/** A reporter whose `tick` samples once and writes what changed. */
export function newUsageReporter(o: UsageReporterOptions): UsageReporter {
  const now = o.now ?? Date.now;
  const log = o.log ?? discardLogger;
  const windowSeconds = Math.round((o.intervalMs ?? 15_000) / 1000);
  const refreshMs = o.refreshMs ?? 60_000;
  const readProc = o.readProc ?? ((file) => readFile(`/proc/${file}`, 'utf8'));
  /** Container id → its previous CPU reading. */
  let readings = new Map<string, CpuReading>();
  let procStat: ProcStat | undefined;
  /** `namespace/name/uid` of a pod (or NODE_KEY) → what was last written. */
  const written = new Map<string, Written>();

  /** Write the annotation if the usage changed enough or the last write grew old. */
  const report = async (key: string, usage: ReadonlyMap<string, Usage>, write: (at: number) => Promise<void>): Promise<void> => {
    const last = written.get(key);
    const at = now();
    if (last && !changedMeaningfully(last.usage, usage) && at - last.atMs < refreshMs) return;
    try {
      await write(at);
      written.set(key, { usage, atMs: at });
    } catch (err) {
      // A pod deleted meanwhile has nothing to report; anything else is retried next round.
      if (!isNotFound(err)) log.warn('usage not written', { key, err });
    }
  };

  const pods = async (): Promise<void> => {
    const stats = await o.cri.listContainerStats();
    const next = new Map<string, CpuReading>();
    const byPod = new Map<string, { namespace: string; name: string; usage: Map<string, Usage>; complete: boolean }>();
    for (const s of stats) {
      const labels = s.attributes?.labels ?? {};
      const namespace = labels[POD_NAMESPACE_LABEL];
      const name = labels[POD_NAME_LABEL];
      const id = s.attributes?.id ?? '';
      if (namespace === undefined || name === undefined || !s.cpu?.usageCoreNanoSeconds) continue;
      const reading = { usageNs: BigInt(s.cpu.usageCoreNanoSeconds.value), timestampNs: BigInt(s.cpu.timestamp) };
      next.set(id, reading);
      // By uid too: a pod deleted and created again under its name starts with nothing written.
      const key = `${namespace}/${name}/${labels[POD_UID_LABEL] ?? ''}`;
      const pod = byPod.get(key) ?? { namespace, name, usage: new Map<string, Usage>(), complete: true };
      byPod.set(key, pod);
      const prev = readings.get(id);
      const cpu = prev ? cpuCores(prev, reading) : undefined;
      // A container seen for the first time has no rate yet: its pod waits for the next round rather than report part of itself.
      if (cpu === undefined) pod.complete = false;
      else pod.usage.set(labels[CONTAINER_NAME_LABEL] ?? s.attributes?.metadata?.name ?? id, { cpu, memory: Number(s.memory?.workingSetBytes?.value ?? 0) });
    }
    readings = next;
    for (const key of written.keys()) if (key !== NODE_KEY && !byPod.has(key)) written.delete(key);
    for (const [key, p] of byPod) {
      if (!p.complete) continue;
      await report(key, p.usage, async (at) => {
        await o.client.patch(podsRef, p.namespace, p.name, { metadata: { annotations: { [USAGE_ANNOTATION]: podUsageAnnotation(p.usage, at, windowSeconds) } } }, 'merge');
      });
    }
  };

  const node = async (): Promise<void> => {
    const [stat, meminfo] = await Promise.all([readProc('stat'), readProc('meminfo')]);
    const cur = parseProcStat(stat);
    const cpu = procStat ? nodeCpuCores(procStat, cur) : undefined;
    procStat = cur;
    if (cpu === undefined) return;
    const usage: Usage = { cpu, memory: nodeWorkingSet(meminfo) };
    await report(NODE_KEY, new Map([['node', usage]]), async (at) => {
      await o.client.patch(nodesRef, '', o.nodeName, { metadata: { annotations: { [USAGE_ANNOTATION]: nodeUsageAnnotation(usage, at, windowSeconds) } } }, 'merge');
    });
  };

  return {
    tick: async () => {
      // The two halves fail apart: a runtime that does not answer does not hide the node's usage.
      await pods().catch((err: unknown) => { log.warn('container usage sampling failed', { err }); });
      await node().catch((err: unknown) => { log.warn('node usage sampling failed', { err }); });
    },
  };
}

/**
 * Sample and report usage every interval until `signal` aborts.
 *
 * @example
 * await runUsageReporter({ client, cri, nodeName: 'node-1' }, signal);
 */
export async function runUsageReporter(o: UsageReporterOptions, signal: AbortSignal): Promise<void> {
  const reporter = newUsageReporter(o);
  while (!signal.aborted) {
    await reporter.tick();
    await sleep(o.intervalMs ?? 15_000, signal);
  }
}
