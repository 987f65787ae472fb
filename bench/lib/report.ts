/** A target a figure is held to. */
export interface Target {
  readonly op: '>=' | '<=' | '<';
  readonly value: number;
}

/** One printed and recorded figure. */
export interface Row {
  readonly section: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: Target;
  /** Absent when there is no target. */
  readonly met?: boolean;
}

/** Whether `value` meets `target`. */
export function meets(value: number, target: Target): boolean {
  if (target.op === '>=') return value >= target.value;
  if (target.op === '<=') return value <= target.value;
  return value < target.value;
}

/** A row, with `met` worked out from its target. */
export function row(section: string, name: string, value: number, unit: string, target?: Target): Row {
  return target ? { section, name, value, unit, target, met: meets(value, target) } : { section, name, value, unit };
}

const fmt = (n: number): string => {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
};

/** The rows as an aligned text table; misses are marked `MISS`. */
export function table(rows: readonly Row[]): string {
  const cells = rows.map((r) => [
    r.section,
    r.name,
    `${fmt(r.value)} ${r.unit}`.trim(),
    r.target ? `${r.target.op} ${fmt(r.target.value)} ${r.unit}`.trim() : '',
    r.met === undefined ? '' : r.met ? 'ok' : 'MISS <<<',
  ]);
  const head = ['backend', 'figure', 'value', 'target', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]) =>
    c.map((x, i) => (i === 2 ? x.padStart(widths[i] ?? 0) : x.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
