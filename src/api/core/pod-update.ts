/** Pod update rules: the spec is immutable but for images, deadlines, added tolerations and grace. */
import type { FieldError, KubeObject } from '../meta.js';
import { forbidden, invalid, renderValue } from '../field-errors.js';
import { getList, getNum, getObj, jsonEqual, type Obj } from './util.js';

/** The updatable fields, as upstream lists them in its Forbidden message. */
export const UPDATABLE_POD_SPEC_FIELDS: readonly string[] = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/** The start of upstream's message for a forbidden pod spec change. */
export const POD_UPDATE_FORBIDDEN = `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}`;

/** A short diff of two specs' top-level fields (upstream prints a Go cmp.Diff here). */
function specDiff(oldSpec: Obj, newSpec: Obj): string {
  const keys = [...new Set([...Object.keys(oldSpec), ...Object.keys(newSpec)])].sort();
  const lines: string[] = ['  core.PodSpec{'];
  for (const k of keys) {
    if (jsonEqual(oldSpec[k], newSpec[k])) continue;
    if (oldSpec[k] !== undefined) lines.push(`- \t${k}: ${renderValue(oldSpec[k])},`);
    if (newSpec[k] !== undefined) lines.push(`+ \t${k}: ${renderValue(newSpec[k])},`);
  }
  lines.push('  }');
  return lines.join('\n');
}

function sameToleration(a: Obj, b: Obj): boolean {
  const strip = (t: Obj): Obj => ({ ...t, tolerationSeconds: undefined });
  return jsonEqual(strip(a), strip(b));
}

/** Upstream's ValidatePodUpdate for the spec (metadata is validated elsewhere). */
export function validatePodUpdate(pod: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = getObj(pod, 'spec') ?? {};
  const oldSpec = getObj(old, 'spec') ?? {};
  const munged: Obj = structuredClone(spec);

  // Images may change: copy the old images into the munged copy (same container count only).
  for (const key of ['containers', 'initContainers']) {
    const now = getList(munged, key);
    const before = getList(oldSpec, key);
    if (now.length === before.length) now.forEach((c, i) => (c.image = before[i]?.image));
  }

  const ads = getNum(spec, 'activeDeadlineSeconds');
  const oldAds = getNum(oldSpec, 'activeDeadlineSeconds');
  if (ads !== undefined) {
    if (ads < 0 || ads > 2147483647)
      errs.push(invalid('spec.activeDeadlineSeconds', ads, 'must be between 0 and 2147483647, inclusive'));
    if (oldAds !== undefined && ads > oldAds)
      errs.push(invalid('spec.activeDeadlineSeconds', ads, 'must be less than or equal to previous value'));
  } else if (oldAds !== undefined) {
    errs.push(invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;

  const tol = getList(spec, 'tolerations');
  getList(oldSpec, 'tolerations').forEach((t, i) => {
    if (!tol.some((n) => sameToleration(n, t)))
      errs.push(forbidden(`spec.tolerations[${i}]`, 'existing toleration can not be modified except its tolerationSeconds'));
  });
  munged.tolerations = oldSpec.tolerations;

  const grace = getNum(spec, 'terminationGracePeriodSeconds');
  const oldGrace = getNum(oldSpec, 'terminationGracePeriodSeconds');
  if (oldGrace !== undefined && oldGrace < 0 && grace === 1) munged.terminationGracePeriodSeconds = oldGrace;

  if (!jsonEqual(munged, oldSpec)) errs.push(forbidden('spec', `${POD_UPDATE_FORBIDDEN}\n${specDiff(oldSpec, munged)}`));
  return errs;
}

