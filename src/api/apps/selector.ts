/**
 * metav1.LabelSelector as the apps kinds use it: upstream's
 * ValidateLabelSelector (with its messages) and LabelSelectorAsSelector on
 * untyped input.
 */
import type { FieldError } from '../meta.js';
import { invalid, required } from '../field-errors.js';
import { validateLabelSelector } from '../labelselector.js';
import { fromLabelSelector, type LabelSelector, type LabelSelectorSpec } from '../labels.js';
import { getList, getStr, getStrMap, isObj, jsonEqual, type Obj } from '../core/util.js';

export { validateLabelSelector } from '../labelselector.js';

/** The typed form of an untyped selector; undefined for a missing (nil) one. */
export function selectorSpec(sel: unknown): LabelSelectorSpec | undefined {
  if (!isObj(sel)) return undefined;
  const out: LabelSelectorSpec = {};
  const labels = getStrMap(sel, 'matchLabels');
  if (labels) out.matchLabels = labels;
  const exprs = getList(sel, 'matchExpressions').map((e) => {
    const values = Array.isArray(e.values) ? e.values.filter((v): v is string => typeof v === 'string') : undefined;
    return { key: getStr(e, 'key') ?? '', operator: getStr(e, 'operator') ?? '', ...(values ? { values } : {}) };
  });
  if (exprs.length > 0) out.matchExpressions = exprs;
  return out;
}

/** Upstream's LabelSelectorAsSelector: nil matches nothing, `{}` everything; undefined if the selector is invalid. */
export function asSelector(sel: unknown): LabelSelector | undefined {
  try {
    return fromLabelSelector(selectorSpec(sel));
  } catch {
    return undefined;
  }
}

/** A selector that must be present and non-empty (Deployment, ReplicaSet, StatefulSet): `emptyMsg` is upstream's wording. */
export function validateRequiredSelector(sel: unknown, path: string, emptyMsg: string): FieldError[] {
  if (!isObj(sel)) return [required(path)];
  const errs = validateLabelSelector(sel, path);
  if (selectorSize(sel) === 0) errs.push(invalid(path, sel, emptyMsg));
  return errs;
}

/** The number of matchLabels plus matchExpressions. */
export function selectorSize(sel: Obj): number {
  return Object.keys(getStrMap(sel, 'matchLabels') ?? {}).length + getList(sel, 'matchExpressions').length;
}

/** `spec.selector: Invalid value: …: field is immutable` when an update changes the selector (apps/v1). */
export function immutableSelector(spec: Obj | undefined, oldSpec: Obj | undefined): FieldError[] {
  const sel = spec?.selector;
  const was = oldSpec?.selector;
  // Upstream compares semantically: an empty map or list equals an absent one.
  if (jsonEqual(selectorSpec(sel) ?? null, selectorSpec(was) ?? null)) return [];
  return [invalid('spec.selector', sel ?? null, 'field is immutable')];
}
