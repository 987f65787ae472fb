/**
 * Real resource usage as metrics-server reports it, computed purely from
 * samples: a container's CPU rate from two readings of its cumulative
 * usage (CRI ContainerStats, the cgroup's cpuacct.usage), its memory
 * working set as the runtime reports it (usage minus inactive file pages,
 * as cAdvisor), and the node's CPU and memory from /proc/stat and
 * /proc/meminfo. The kubelet writes the results as annotations that the
 * API server's `metrics.k8s.io` reads (see docs/decisions.md, "Metrics").
 */

/** Annotation of a pod (per container) and of a Node (the machine) holding real usage; src/apiserver/metrics.ts reads it. */
export const USAGE_ANNOTATION = 'skiff.io/usage';

/** Usage of a container or the node: CPU in cores, memory (working set) in bytes. */
export interface Usage {
  readonly cpu: number;
  readonly memory: number;
}

/** One reading of a cumulative CPU counter: nanoseconds of CPU at `timestampNs`. */
export interface CpuReading {
  readonly usageNs: bigint;
  readonly timestampNs: bigint;
}

/** Cores used between two readings (≥ 0), or undefined when time did not advance or the counter went back (a new container). */
export function cpuCores(prev: CpuReading, cur: CpuReading): number | undefined {
  const dt = cur.timestampNs - prev.timestampNs;
  const du = cur.usageNs - prev.usageNs;
  if (dt <= 0n || du < 0n) return undefined;
  return Number(du) / Number(dt);
}

/** The machine's CPU time from /proc/stat's `cpu` line, in ticks: busy and total, and the number of CPUs. */
export interface ProcStat {
  readonly busy: number;
  readonly total: number;
  readonly cpus: number;
}

/** Parse /proc/stat. Guest time is already counted in user time, so it is left out of the total. */
export function parseProcStat(text: string): ProcStat {
  const lines = text.split('\n');
  const fields = (lines.find((l) => l.startsWith('cpu ')) ?? '').trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  return { busy: total - idle - iowait, total, cpus: lines.filter((l) => /^cpu\d+ /.test(l)).length };
}

/** Cores the machine used between two /proc/stat readings: its busy share of the time times its CPUs. */
export function nodeCpuCores(prev: ProcStat, cur: ProcStat): number | undefined {
  const total = cur.total - prev.total;
  if (total <= 0) return undefined;
  return (Math.max(0, cur.busy - prev.busy) / total) * cur.cpus;
}

/**
 * The machine's memory working set from /proc/meminfo, as cAdvisor's for the
 * root cgroup: memory in use (total minus free) less the inactive file
 * pages the kernel reclaims first.
 */
export function nodeWorkingSet(meminfo: string): number {
  const kb = (name: string) => Number(new RegExp(`^${name.replace(/[()]/g, '\\$&')}:\\s+(\\d+) kB`, 'm').exec(meminfo)?.[1] ?? 0) * 1024;
  return Math.max(0, kb('MemTotal') - kb('MemFree') - kb('Inactive(file)'));
}

/** CPU cores as metrics-server writes them: nanocores, with the largest exact suffix (`250m`, `1`, `123456n`). */
export function formatCores(cores: number): string {
  const nano = Math.max(0, Math.round(cores * 1e9));
  if (nano % 1e9 === 0) return String(nano / 1e9);
  if (nano % 1e6 === 0) return `${String(nano / 1e6)}m`;
  if (nano % 1e3 === 0) return `${String(nano / 1e3)}u`;
  return `${String(nano)}n`;
}

/** Smallest CPU and memory changes worth a write: 10% of the value, and at least 5m and 1 MiB. */
const RELATIVE_CHANGE = 0.1;
const MIN_CPU_CHANGE = 0.005;
const MIN_MEMORY_CHANGE = 2 ** 20;

/** True if `next` differs from `old` enough to be written again (the same containers, each within 10% or 5m / 1 MiB). */
export function changedMeaningfully(old: ReadonlyMap<string, Usage> | undefined, next: ReadonlyMap<string, Usage>): boolean {
  if (!old || old.size !== next.size) return true;
  for (const [name, u] of next) {
    const o = old.get(name);
    if (!o) return true;
    if (Math.abs(u.cpu - o.cpu) > Math.max(MIN_CPU_CHANGE, RELATIVE_CHANGE * o.cpu)) return true;
    if (Math.abs(u.memory - o.memory) > Math.max(MIN_MEMORY_CHANGE, RELATIVE_CHANGE * o.memory)) return true;
  }
  return false;
}

/** metav1.Time of milliseconds since the epoch. */
const time = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** The pod annotation: `{"timestamp","window","containers":{"main":{"cpu":"123456n","memory":"1234"}}}`. */
export function podUsageAnnotation(containers: ReadonlyMap<string, Usage>, atMs: number, windowSeconds: number): string {
  const out: Record<string, { cpu: string; memory: string }> = {};
  for (const [name, u] of [...containers].sort(([a], [b]) => a.localeCompare(b))) out[name] = { cpu: formatCores(u.cpu), memory: String(Math.round(u.memory)) };
  return JSON.stringify({ timestamp: time(atMs), window: `${String(windowSeconds)}s`, containers: out });
}

/** The Node annotation: `{"timestamp","window","cpu","memory"}`. */
export function nodeUsageAnnotation(u: Usage, atMs: number, windowSeconds: number): string {
  return JSON.stringify({ timestamp: time(atMs), window: `${String(windowSeconds)}s`, cpu: formatCores(u.cpu), memory: String(Math.round(u.memory)) });
}
