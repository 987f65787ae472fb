/**
 * Cron schedules as upstream's CronJob controller runs them (robfig/cron
 * v3's standard parser): the next activation after a time, in a time zone.
 * Day-of-month and day-of-week are ORed unless either starts with `*` or
 * `?` (without a step), as robfig does. Syntax errors come from
 * `cronScheduleError` (cron.ts), the one home of the texts.
 */
import { cronScheduleError } from './cron.js';

/** A parsed schedule: `next(t)` is the first activation strictly after `t`. */
export interface CronSchedule {
  next(t: Date): Date | undefined;
}

interface Field {
  readonly values: ReadonlySet<number>;
  /** The field started with `*` or `?` (no step): robfig's star bit. */
  readonly star: boolean;
}

const bounds: readonly [number, number, Readonly<Record<string, number>>?][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12, { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 }],
  [0, 6, { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 }],
];
const descriptors: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

function parseField(text: string, [min, max, names]: (typeof bounds)[number]): Field {
  const values = new Set<number>();
  let star = false;
  const num = (s: string) => names?.[s.toLowerCase()] ?? Number(s);
  for (const expr of text.split(',').filter((e) => e !== '')) {
    const [range = '', stepText] = expr.split('/');
    const [lowText = '', highText] = range.split('-');
    let low = min;
    let high = max;
    const any = lowText === '*' || lowText === '?';
    if (!any) {
      low = high = num(lowText);
      if (highText !== undefined) high = num(highText);
    }
    const step = stepText === undefined ? 1 : Number(stepText);
    if (stepText !== undefined && highText === undefined && !any) high = max;
    if (any && step === 1) star = true;
    for (let v = low; v <= high; v += step) values.add(v);
  }
  return { values, star };
}

/** Go duration text (`1h30m`, `90s`) in milliseconds. */
function durationMs(s: string): number {
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(m[1]) * (unit[m[2] ?? ''] ?? 0);
  return total;
}

/** The wall-clock fields of `t` in `zone` (the process's zone if undefined). */
function fieldsIn(t: number, format: Intl.DateTimeFormat): { minute: number; hour: number; day: number; month: number; weekday: number } {
  const parts: Record<string, string> = {};
  for (const p of format.formatToParts(t)) parts[p.type] = p.value;
  const weekdays: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
  return { minute: Number(parts.minute), hour: Number(parts.hour) % 24, day: Number(parts.day), month: Number(parts.month), weekday: weekdays[parts.weekday ?? ''] ?? 0 };
}

/**
 * Parse a schedule (five fields, an `@` descriptor, `@every D`, optionally
 * prefixed by `TZ=zone` or `CRON_TZ=zone`) for `timeZone` (undefined: the
 * process's local zone, as kube-controller-manager's). Returns the error
 * text if it does not parse.
 */
export function parseSchedule(spec: string, timeZone?: string): CronSchedule | string {
  const err = cronScheduleError(spec);
  if (err !== undefined) return err;
  let rest = spec.trim();
  let zone = timeZone;
  const tz = /^(?:CRON_)?TZ=(\S+)\s*/.exec(rest);
  if (tz) {
    zone = tz[1];
    rest = rest.slice(tz[0].length);
  }
  if (rest.startsWith('@every ')) {
    // robfig's ConstantDelaySchedule: whole seconds, at least one.
    const delay = Math.max(1000, Math.floor(durationMs(rest.slice(7)) / 1000) * 1000);
    return { next: (t) => new Date(Math.floor(t.getTime() / 1000) * 1000 + delay) };
  }
  const parts = (descriptors[rest] ?? rest).split(/\s+/);
  const [minute, hour, dom, month, dow] = parts.map((p, i) => parseField(p, bounds[i] ?? [0, 0]));
  if (!minute || !hour || !dom || !month || !dow) return `expected exactly 5 fields, found ${String(parts.length)}: [${parts.join(' ')}]`;
  const format = new Intl.DateTimeFormat('en-US', { ...(zone && zone !== 'Local' ? { timeZone: zone } : {}), hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
  const dayMatches = (f: ReturnType<typeof fieldsIn>) => {
    const d = dom.values.has(f.day);
    const w = dow.values.has(f.weekday) || (f.weekday === 0 && dow.values.has(7));
    return dom.star || dow.star ? d && w : d || w;
  };
  return {
    next(after: Date) {
      // Whole minutes, walking forward by the largest step the mismatching field allows.
      let t = Math.floor(after.getTime() / 60_000) * 60_000 + 60_000;
      const limit = t + 5 * 366 * 86_400_000; // robfig gives up after five years
      while (t < limit) {
        const f = fieldsIn(t, format);
        if (!month.values.has(f.month) || !dayMatches(f)) t += ((23 - f.hour) * 60 + (60 - f.minute)) * 60_000;
        else if (!hour.values.has(f.hour)) t += (60 - f.minute) * 60_000;
        else if (!minute.values.has(f.minute)) t += 60_000;
        else return new Date(t);
      }
      return undefined;
    },
  };
}
