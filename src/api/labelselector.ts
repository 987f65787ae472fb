/** metav1.LabelSelector validation (upstream's ValidateLabelSelector): one home for every kind with a selector. */
import type { FieldError } from './meta.js';
import { forbidden, invalid, required } from './field-errors.js';
import { validateLabels } from './objectmeta.js';
import { isQualifiedName, isValidLabelValue } from './validation.js';
import { getList, getStr, getStrMap, type Obj } from './core/util.js';

/** Validates a metav1.LabelSelector at `path` (undefined: nothing to check). */
export function validateLabelSelector(sel: Obj | undefined, path: string): FieldError[] {
  if (sel === undefined) return [];
  const errs = validateLabels(getStrMap(sel, 'matchLabels'), `${path}.matchLabels`);
  getList(sel, 'matchExpressions').forEach((e, i) => {
    const at = `${path}.matchExpressions[${i}]`;
    const op = getStr(e, 'operator') ?? '';
    const values = Array.isArray(e.values) ? e.values : [];
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) errs.push(required(`${at}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0)
        errs.push(forbidden(`${at}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      errs.push(invalid(`${at}.operator`, op, 'not a valid selector operator'));
    }
    const key = getStr(e, 'key') ?? '';
    for (const msg of isQualifiedName(key)) errs.push(invalid(`${at}.key`, key, msg));
    values.forEach((v, j) => {
      const s = typeof v === 'string' ? v : '';
      for (const msg of isValidLabelValue(s)) errs.push(invalid(`${at}.values[${j}]`, s, msg));
    });
  });
  return errs;
}
