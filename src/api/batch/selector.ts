/** metav1.LabelSelector checks (ValidateLabelSelector) and the immutable-field rule, with upstream's messages. */
import type { FieldError } from '../meta.js';
import { invalid } from '../field-errors.js';
import { jsonEqual, type Obj } from '../core/util.js';

export { validateLabelSelector } from '../labelselector.js';

/** Upstream's ValidateImmutableField: `Invalid value: …: field is immutable` when the value changed. */
export function immutable(next: unknown, old: unknown, path: string): FieldError[] {
  return jsonEqual(next, old) ? [] : [invalid(path, next ?? null, 'field is immutable')];
}

/** Upstream's ValidateNonnegativeField for an optional number at `path`. */
export function nonNegative(o: Obj | undefined, key: string, path: string): FieldError[] {
  const v = o?.[key];
  return typeof v === 'number' && v < 0 ? [invalid(path, v, 'must be greater than or equal to 0')] : [];
}
