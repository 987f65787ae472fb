/** core/v1 ResourceQuota, and the resource-quantity checks the storage and limit kinds share. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { invalid } from '../field-errors.js';
import { isQualifiedName } from '../validation.js';
import { getObj, isObj, type Obj } from './util.js';

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

/** Upstream's standard ResourceQuota scopes. */
export const QUOTA_SCOPES: readonly string[] = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'];

/** ResourceQuota validation: hard (and status) quantities, known scopes. */
function validate(obj: KubeObject): FieldError[] {
  const spec = getObj(obj, 'spec') ?? {};
  const errs = validateResourceList(getObj(spec, 'hard'), 'spec.hard');
  const scopes = Array.isArray(spec.scopes) ? spec.scopes : [];
  if (scopes.some((s) => typeof s !== 'string' || !QUOTA_SCOPES.includes(s))) errs.push(invalid('spec.scopes', scopes, 'unsupported scope'));
  const sel = getObj(spec, 'scopeSelector');
  const exprs = Array.isArray(sel?.matchExpressions) ? sel.matchExpressions.filter(isObj) : [];
  exprs.forEach((e, i) => {
    const name = e.scopeName;
    if (typeof name !== 'string' || !QUOTA_SCOPES.includes(name))
      errs.push(invalid(`spec.scopeSelector.matchExpressions[${i}].scopeName`, name ?? '', 'unsupported scope'));
  });
  const status = getObj(obj, 'status');
  errs.push(...validateResourceList(getObj(status, 'hard'), 'status.hard'), ...validateResourceList(getObj(status, 'used'), 'status.used'));
  return errs;
}

/** The `resourcequotas` resource. */
export const resourceQuotas: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'resourcequotas',
  singular: 'resourcequota',
  kind: 'ResourceQuota',
  listKind: 'ResourceQuotaList',
  namespaced: true,
  shortNames: ['quota'],
  categories: [],
  hasStatus: true,
  fieldSelectors: {},
  validate,
};
