/**
 * Cron schedules as upstream checks them: robfig/cron v3's ParseStandard
 * (five fields or an `@` descriptor) with its error texts, and the IANA
 * time-zone check of CronJob `spec.timeZone`.
 */

interface Bounds {
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const names = (list: string[], from: number): Record<string, number> => Object.fromEntries(list.map((n, i) => [n, i + from]));
const fields: readonly Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: names(['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'], 1) },
  { min: 0, max: 6, names: names(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], 0) },
];
const descriptors = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const MAX_INT64 = 9223372036854775807n;

/** Go's strconv.Atoi, as robfig's mustParseInt reports it. */
function parseInt64(expr: string): number | string {
  if (!/^[+-]?\d+$/.test(expr)) return `failed to parse int from ${expr}: strconv.Atoi: parsing "${expr}": invalid syntax`;
  const n = BigInt(expr);
  if (n > MAX_INT64 || n < -MAX_INT64 - 1n) return `failed to parse int from ${expr}: strconv.Atoi: parsing "${expr}": value out of range`;
  if (n < 0n) return `negative number (${n}) not allowed: ${expr}`;
  return Number(n);
}

function parseIntOrName(expr: string, b: Bounds): number | string {
  const named = b.names?.[expr.toLowerCase()];
  return named ?? parseInt64(expr);
}

/** robfig's getRange: `*`, `?`, `N`, `N-M`, each optionally `/step`; the first problem, or undefined. */
function rangeError(expr: string, b: Bounds): string | undefined {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = (rangeAndStep[0] ?? '').split('-');
  let start = b.min;
  let end = b.max;
  if (lowAndHigh[0] !== '*' && lowAndHigh[0] !== '?') {
    const low = parseIntOrName(lowAndHigh[0] ?? '', b);
    if (typeof low === 'string') return low;
    start = end = low;
    if (lowAndHigh.length > 2) return `too many hyphens: ${expr}`;
    if (lowAndHigh.length === 2) {
      const high = parseIntOrName(lowAndHigh[1] ?? '', b);
      if (typeof high === 'string') return high;
      end = high;
    }
  }
  let step = 1;
  if (rangeAndStep.length > 2) return `too many slashes: ${expr}`;
  if (rangeAndStep.length === 2) {
    const s = parseInt64(rangeAndStep[1] ?? '');
    if (typeof s === 'string') return s;
    step = s;
    if (lowAndHigh.length === 1) end = b.max; // "N/step" means "N-max/step"
  }
  if (start < b.min) return `beginning of range (${start}) below minimum (${b.min}): ${expr}`;
  if (end > b.max) return `end of range (${end}) above maximum (${b.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  if (step === 0) return `step of range should be a positive number: ${expr}`;
  return undefined;
}

/** Go's time.ParseDuration errors, for `@every`. */
function durationError(s: string): string | undefined {
  if (s === '0' || /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/.test(s)) return undefined;
  const m = /^[-+]?(\d+(\.\d*)?|\.\d+)([^\d.]*)/.exec(s);
  if (m && (m[3] ?? '') === '' && /^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(s)) return `time: missing unit in duration "${s}"`;
  if (m && (m[3] ?? '') !== '') return `time: unknown unit "${m[3] ?? ''}" in duration "${s}"`;
  return `time: invalid duration "${s}"`;
}

/** The error robfig/cron's ParseStandard returns for `spec`, or undefined if it parses. */
export function cronScheduleError(spec: string): string | undefined {
  if (spec.length === 0) return 'empty spec string';
  let rest = spec;
  if (rest.startsWith('TZ=') || rest.startsWith('CRON_TZ=')) {
    const space = rest.indexOf(' ');
    const loc = rest.slice(rest.indexOf('=') + 1, space < 0 ? undefined : space);
    const tzErr = timeZoneError(loc);
    if (tzErr !== undefined) return `provided bad location ${loc}: ${tzErr}`;
    rest = space < 0 ? '' : rest.slice(space).trim();
  }
  if (rest.startsWith('@')) {
    if (descriptors.has(rest)) return undefined;
    if (rest.startsWith('@every ')) {
      const err = durationError(rest.slice(7));
      return err === undefined ? undefined : `failed to parse duration ${rest}: ${err}`;
    }
    return `unrecognized descriptor: ${rest}`;
  }
  const parts = rest.split(/\s+/).filter((f) => f !== '');
  if (parts.length !== 5) return `expected exactly 5 fields, found ${parts.length}: [${parts.join(' ')}]`;
  for (const [i, field] of parts.entries()) {
    const b = fields[i];
    if (b === undefined) continue;
    for (const expr of field.split(',').filter((r) => r !== '')) {
      const err = rangeError(expr, b);
      if (err !== undefined) return err;
    }
  }
  return undefined;
}

/** Go's time.LoadLocation error for `tz` (`unknown time zone X`), or undefined if the zone exists. */
export function timeZoneError(tz: string): string | undefined {
  if (tz === '' || tz === 'UTC' || tz === 'Local') return undefined;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
    // Intl ignores case; Go reads zoneinfo files, whose names are case-sensitive.
    if (resolved !== tz && resolved.toLowerCase() === tz.toLowerCase()) return `unknown time zone ${tz}`;
    return undefined;
  } catch {
    return `unknown time zone ${tz}`;
  }
}
