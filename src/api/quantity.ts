/** Kubernetes resource quantities (`10Gi`, `500m`, `1.5`): parsing and upstream's checks. */
import type { FieldError } from './meta.js';
import { invalid } from './field-errors.js';
import { isQualifiedName } from './validation.js';
import type { Obj } from './core/util.js';

/** Upstream's resource.ErrFormatWrong text. */
export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const QUANTITY_RE = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const SUFFIX: Readonly<Record<string, number>> = {
  '': 1, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** A quantity as written in JSON (string, or a bare number), or undefined for other types. */
function quantityText(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' ? v : undefined;
}

/** Parses a Kubernetes quantity (`10Gi`, `500m`, `1.5`, `1e3`) to its value, or an error message as upstream's ParseQuantity. */
export function parseQuantity(v: unknown): { value: number } | { error: string } {
  const s = quantityText(v);
  const m = s === undefined ? null : QUANTITY_RE.exec(s.trim());
  if (!m) return { error: QUANTITY_FORMAT_ERROR };
  const num = m[1] ?? '';
  const suffix = m[2] ?? '';
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(num)) return { error: 'unable to parse numeric part of quantity' };
  let mult = SUFFIX[suffix];
  if (mult === undefined) {
    const exp = /^[eE]([-+]?\d+)$/.exec(suffix);
    if (!exp) return { error: "unable to parse quantity's suffix" };
    mult = 10 ** Number(exp[1]);
  }
  return { value: Number(num) * mult };
}

/** The numeric value of a valid quantity, or undefined. */
export function quantityValue(v: unknown): number | undefined {
  const q = parseQuantity(v);
  return 'value' in q ? q.value : undefined;
}

/** Validates one quantity: syntax, then non-negative (upstream's ValidateNonnegativeQuantity). */
export function validateQuantity(v: unknown, path: string): FieldError[] {
  const q = parseQuantity(v);
  if ('error' in q) return [invalid(path, v, q.error)];
  if (q.value < 0) return [invalid(path, v, 'must be greater than or equal to 0')];
  return [];
}

/** Validates a ResourceList (`name: quantity` map): qualified-name keys and non-negative quantities. */
export function validateResourceList(list: Obj | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(list ?? {})) {
    const p = `${path}[${k}]`;
    for (const msg of isQualifiedName(k)) errs.push(invalid(p, k, msg));
    errs.push(...validateQuantity(v, p));
  }
  return errs;
}
