/**
 * Process-wide metrics in the Prometheus text format, as upstream's
 * components expose them on `/metrics`: counters and histograms, registered
 * once by name. `skiff server` serves the text of every metric registered in
 * its process (the API server's and the in-process scheduler's).
 */

type Labels = Readonly<Record<string, string>>;

interface Metric {
  readonly name: string;
  readonly help: string;
  /** The metric's exposition lines (TYPE and HELP excluded). */
  lines(): string[];
  readonly type: 'counter' | 'gauge' | 'histogram';
}

const registry = new Map<string, Metric>();

const labelText = (labels: Labels, extra: Labels = {}): string => {
  const all = { ...labels, ...extra };
  const parts = Object.entries(all).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
};

/** The key of a label set in a metric's series map (label order as given). */
const seriesKey = (labels: Labels) => JSON.stringify(labels);

/** A monotonically increasing count per label set. */
export class Counter implements Metric {
  readonly type = 'counter';
  readonly #series = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = seriesKey(labels);
    const s = this.#series.get(key);
    if (s) s.value += by;
    else this.#series.set(key, { labels, value: by });
  }

  lines(): string[] {
    return [...this.#series.values()].map((s) => `${this.name}${labelText(s.labels)} ${String(s.value)}`);
  }
}

/** A value read when metrics are scraped. */
export class Gauge implements Metric {
  readonly type = 'gauge';
  readonly #read: () => number;
  constructor(
    readonly name: string,
    readonly help: string,
    read: () => number,
  ) {
    this.#read = read;
  }

  lines(): string[] {
    return [`${this.name} ${String(this.#read())}`];
  }
}

/** Observations counted into cumulative buckets, with their sum and count, per label set. */
export class Histogram implements Metric {
  readonly type = 'histogram';
  readonly #buckets: readonly number[];
  readonly #series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    buckets: readonly number[],
  ) {
    this.#buckets = [...buckets].sort((a, b) => a - b);
  }

  observe(value: number, labels: Labels = {}): void {
    const key = seriesKey(labels);
    let s = this.#series.get(key);
    if (!s) this.#series.set(key, (s = { labels, counts: this.#buckets.map(() => 0), sum: 0, count: 0 }));
    const i = this.#buckets.findIndex((b) => value <= b);
    if (i >= 0) s.counts[i] = (s.counts[i] ?? 0) + 1;
    s.sum += value;
    s.count++;
  }

  lines(): string[] {
    const out: string[] = [];
    for (const s of this.#series.values()) {
      let cumulative = 0;
      this.#buckets.forEach((b, i) => {
        cumulative += s.counts[i] ?? 0;
        out.push(`${this.name}_bucket${labelText(s.labels, { le: String(b) })} ${String(cumulative)}`);
      });
      out.push(`${this.name}_bucket${labelText(s.labels, { le: '+Inf' })} ${String(s.count)}`);
      out.push(`${this.name}_sum${labelText(s.labels)} ${String(s.sum)}`);
      out.push(`${this.name}_count${labelText(s.labels)} ${String(s.count)}`);
    }
    return out;
  }
}

/** `count` buckets from `start`, each `factor` times the last (Prometheus' ExponentialBuckets). */
export const exponentialBuckets = (start: number, factor: number, count: number): number[] => Array.from({ length: count }, (_, i) => start * factor ** i);

/** The metric registered under `metric.name`, registering `metric` if it is the first (modules may load twice in tests). */
export function register<M extends Metric>(metric: M): M {
  const existing = registry.get(metric.name);
  if (existing) {
    if (existing.type !== metric.type) throw new Error(`metric ${metric.name} registered as ${existing.type} and ${metric.type}`);
    return existing as M;
  }
  registry.set(metric.name, metric);
  return metric;
}

// What every process exposes, under the names of Prometheus' Node.js client (prom-client).
register(new Gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', () => process.memoryUsage.rss()));
register(new Gauge('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', () => process.memoryUsage().heapUsed));
register(new Gauge('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.', () => process.memoryUsage().heapTotal));
register(new Gauge('nodejs_external_memory_bytes', 'Node.js external memory size in bytes.', () => process.memoryUsage().external));

/** Every registered metric in the Prometheus text exposition format (version 0.0.4). */
export function exposition(): string {
  const out: string[] = [];
  for (const m of [...registry.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    out.push(`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} ${m.type}`, ...m.lines());
  }
  return `${out.join('\n')}\n`;
}
