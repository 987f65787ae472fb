/** IntOrString fields (maxSurge, maxUnavailable) resolved against a total, as upstream's GetScaledValueFromIntOrPercent. */

/** An integer as is; a percentage of `total`, rounded up or down. */
export function scaledValue(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v.endsWith('%')) {
      const p = Number(v.slice(0, -1));
      if (!Number.isFinite(p)) return 0;
      const x = (p * total) / 100;
      return roundUp ? Math.ceil(x) : Math.floor(x);
    }
    const n = Number(v);
    return Number.isInteger(n) ? n : 0;
  }
  return 0;
}
