/** metav1.LabelSelector checks (ValidateLabelSelector) and the immutable-field rule, with upstream's messages. */
import type { FieldError } from '../meta.js';
import { forbidden, invalid, required } from '../field-errors.js';
import { validateLabels } from '../objectmeta.js';
import { isQualifiedName, isValidLabelValue } from '../validation.js';
import { getList, getStr, getStrMap, jsonEqual, type Obj } from '../core/util.js';

/** Validates a metav1.LabelSelector at `path`; undefined has nothing to check. */
export function validateLabelSelector(sel: Obj | undefined, path: string): FieldError[] {
  if (sel === undefined) return [];
  const errs = validateLabels(getStrMap(sel, 'matchLabels'), `${path}.matchLabels`);
  getList(sel, 'matchExpressions').forEach((req, i) => {
    const at = `${path}.matchExpressions[${i}]`;
    const operator = getStr(req, 'operator') ?? '';
    const values: unknown[] = Array.isArray(req.values) ? req.values : [];
    if (operator === 'In' || operator === 'NotIn') {
      if (values.length === 0) errs.push(required(`${at}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (operator === 'Exists' || operator === 'DoesNotExist') {
      if (values.length > 0) errs.push(forbidden(`${at}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      errs.push(invalid(`${at}.operator`, operator, 'not a valid selector operator'));
    }
    const key = getStr(req, 'key') ?? '';
    for (const msg of isQualifiedName(key)) errs.push(invalid(`${at}.key`, key, msg));
    values.forEach((v, j) => {
      const value = typeof v === 'string' ? v : '';
      for (const msg of isValidLabelValue(value)) errs.push(invalid(`${at}.values[${j}]`, value, msg));
    });
  });
  return errs;
}

/** Upstream's ValidateImmutableField: `Invalid value: …: field is immutable` when the value changed. */
export function immutable(next: unknown, old: unknown, path: string): FieldError[] {
  return jsonEqual(next, old) ? [] : [invalid(path, next ?? null, 'field is immutable')];
}

/** Upstream's ValidateNonnegativeField for an optional number at `path`. */
export function nonNegative(o: Obj | undefined, key: string, path: string): FieldError[] {
  const v = o?.[key];
  return typeof v === 'number' && v < 0 ? [invalid(path, v, 'must be greater than or equal to 0')] : [];
}
