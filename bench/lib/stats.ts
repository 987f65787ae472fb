/** Latency summary of one phase, in milliseconds. */
export interface Summary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

/** The nearest-rank percentile `p` (0–100) of already sorted values; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

/** p50, p99, max and mean of `values` (not modified). */
export function summarize(values: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.length ? (sorted[sorted.length - 1] ?? Number.NaN) : Number.NaN),
    meanMs: round(sorted.length ? sum / sorted.length : Number.NaN),
  };
}

/** `n` rounded to `digits` decimals (JSON-friendly figures). */
export const round = (n: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/** Operations per second of `count` operations done in `ms` milliseconds. */
export const perSecond = (count: number, ms: number): number => round((count * 1000) / ms, 1);

/** Throughput and latency of one phase of a benchmark. */
export interface Phase extends Summary {
  readonly perSecond: number;
  readonly wallMs: number;
  readonly errors: number;
  readonly firstError?: string;
}

/** The {@link Phase} of `count` operations done in `wallMs` with these latencies. */
export const phase = (count: number, wallMs: number, latencies: ArrayLike<number>, errors = 0, firstError?: string): Phase => ({
  ...summarize(latencies),
  perSecond: perSecond(count, wallMs),
  wallMs: round(wallMs),
  errors,
  ...(firstError === undefined ? {} : { firstError }),
});

/** The trial of median throughput, carrying every trial's throughput (runs on a shared machine are noisy). */
export function medianTrial(trials: readonly Phase[]): Phase & { readonly trialsPerSecond: readonly number[] } {
  const sorted = [...trials].sort((a, b) => a.perSecond - b.perSecond);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  if (!median) throw new Error('no trials');
  return { ...median, trialsPerSecond: trials.map((t) => t.perSecond) };
}
