import type { KubeObject } from '../../api/meta.js';

/** One column of a Table (metav1.TableColumnDefinition). */
export interface Column {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  /** 0: shown by default; 1: only with `-o wide`. */
  readonly priority: number;
  readonly format?: string;
  readonly description?: string;
}

/** One cell of a Table row (null: no value, printed `<none>`). */
export type Cell = string | number | boolean | null;

/** Columns and the row function of one kind, as upstream's printers. */
export interface Printer {
  readonly columns: readonly Column[];
  readonly row: (obj: KubeObject, now: Date) => Cell[];
}

/** A column definition. */
export const col = (name: string, priority = 0, type: Column['type'] = 'string'): Column => ({ name, type, priority });
/** The Name column. */
export const nameCol: Column = { name: 'Name', type: 'string', format: 'name', priority: 0, description: 'Name must be unique within a namespace.' };
/** The Age column. */
export const ageCol = col('Age');

/** Upstream's duration.HumanDuration: `45s`, `3m12s`, `5h`, `2d3h`, `3y`. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 24 * 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  if (h < 24 * 365 * 8) return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
  return `${y}y`;
}

/** `humanDuration` since a timestamp. */
export const age = (t: string | undefined, now: Date) => (t ? humanDuration(now.getTime() - Date.parse(t)) : '<unknown>');

/** An untyped object. */
export type Loose = Record<string, unknown> & { [k: string]: Loose | undefined };
/** The value at a path inside an untyped object. */
export const get = (obj: unknown, ...path: string[]): unknown => {
  let v: unknown = obj;
  for (const p of path) v = v && typeof v === 'object' ? (v as Loose)[p] : undefined;
  return v;
};
/** An untyped list (empty if not a list). */
export const arr = (v: unknown): Loose[] => (Array.isArray(v) ? (v as Loose[]) : []);
/** A non-empty string, or `dflt`. */
export const str = (v: unknown, dflt = '<none>') => (typeof v === 'string' && v !== '' ? v : dflt);
/** The number of keys of a map. */
export const count = (v: unknown) => (v && typeof v === 'object' ? Object.keys(v).length : 0);


/** labels.FormatLabels: `k=v` pairs sorted by key, joined by `,`; `<none>` when empty. */
export function formatLabels(v: unknown): string {
  const entries = v && typeof v === 'object' ? Object.entries(v as Record<string, unknown>) : [];
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length ? entries.map(([k, x]) => `${k}=${String(x)}`).join(',') : '<none>';
}
