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

/**
 * Text of a quantity in upstream's canonical form: CPU-like values in whole
 * units or millis (`250m`), byte values in the largest exact binary suffix
 * (`64Mi`) or as plain integers.
 */const binary: readonly [string, number][] = [
  ['Ei', 2 ** 60],
  ['Pi', 2 ** 50],
  ['Ti', 2 ** 40],
  ['Gi', 2 ** 30],
  ['Mi', 2 ** 20],
  ['Ki', 2 ** 10],
];

export function formatQuantity(value: number, bytes = false): string {
  if (bytes) {
    const v = Math.ceil(value);
    if (v === 0) return '0';
    for (const [suffix, size] of binary) if (v % size === 0) return `${String(v / size)}${suffix}`;
    return String(v);
  }
  const milli = Math.ceil(Math.round(value * 1e6) / 1e3);
  return milli % 1000 === 0 ? String(milli / 1000) : `${String(milli)}m`;
}

/** True if a resource name counts bytes (formatted with binary suffixes). */
export const isByteResource = (name: string): boolean => /(^|\.)(memory|storage|ephemeral-storage)$/.test(name) || name.startsWith('hugepages-');
