/** intstr.IntOrString fields of the rollout strategies (maxUnavailable, maxSurge) as upstream validates them. */
import type { FieldError } from '../meta.js';
import { invalid } from '../field-errors.js';
import { regexError } from '../validation.js';

const percentFmt = '[0-9]+%';
const percentRe = new RegExp(`^${percentFmt}$`);

/** Upstream's IsValidPercent: a numeric string with a trailing '%'. */
export function isValidPercent(s: string): string[] {
  return percentRe.test(s)
    ? []
    : [regexError("a valid percent string must be a numeric string followed by an ending '%'", percentFmt, '1%', '93%')];
}

/** Upstream's ValidatePositiveIntOrPercent: an integer ≥ 0 or a valid percent string. */
export function validatePositiveIntOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((msg) => invalid(path, v, msg));
  if (typeof v === 'number') return v < 0 ? [invalid(path, v, 'must be greater than or equal to 0')] : [];
  if (v === undefined || v === null) return [];
  return [invalid(path, v, "must be an integer or percentage (e.g '5%%')")];
}

/** The percentage of a valid percent string, else undefined. */
function percentValue(v: unknown): number | undefined {
  return typeof v === 'string' && percentRe.test(v) ? Number(v.slice(0, -1)) : undefined;
}

/** Upstream's getIntOrPercentValue: the percentage, the integer, or a numeric string's value (0 otherwise). */
export function intOrPercentValue(v: unknown): number {
  const p = percentValue(v);
  if (p !== undefined) return p;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^[+-]?[0-9]+$/.test(v)) return Number(v);
  return 0;
}

/** Upstream's IsNotMoreThan100Percent. */
export function notMoreThan100Percent(v: unknown, path: string): FieldError[] {
  const p = percentValue(v);
  return p !== undefined && p > 100 ? [invalid(path, v, 'must not be greater than 100%')] : [];
}
