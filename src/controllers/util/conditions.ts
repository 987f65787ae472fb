/** Status conditions of the workload kinds, set and removed as upstream's Set…Condition helpers do. */
import type { Condition } from './types.js';

/** The condition of `type`, if any. */
export const getCondition = (conds: readonly Condition[] | undefined, type: string): Condition | undefined => conds?.find((c) => c.type === type);

/**
 * `conds` with `c` set: unchanged if a condition of the type already has
 * the same status and reason; the old lastTransitionTime kept if only the
 * reason or message changed.
 */
export function setCondition(conds: readonly Condition[] | undefined, c: Condition): Condition[] {
  const list = [...(conds ?? [])];
  const cur = getCondition(list, c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return list;
  const next = cur && cur.status === c.status && cur.lastTransitionTime ? { ...c, lastTransitionTime: cur.lastTransitionTime } : c;
  return [...list.filter((x) => x.type !== c.type), next];
}

/** `conds` without a condition of `type`. */
export const removeCondition = (conds: readonly Condition[] | undefined, type: string): Condition[] => (conds ?? []).filter((c) => c.type !== type);
