import { age, ageCol, col, get, nameCol, type Printer } from './helpers.js';

/** An IntOrString as its String(): the number or the string; `N/A` when unset. */
const intOrString = (v: unknown) => (typeof v === 'number' || typeof v === 'string' ? String(v) : 'N/A');

/** Printers of the policy/v1 kinds, by kind. */
export const policyPrinters: Record<string, Printer> = {
  PodDisruptionBudget: {
    columns: [nameCol, col('Min Available'), col('Max Unavailable'), col('Allowed Disruptions', 0, 'integer'), ageCol],
    row: (o, now) => [o.metadata.name ?? '', intOrString(get(o, 'spec', 'minAvailable')), intOrString(get(o, 'spec', 'maxUnavailable')), Number(get(o, 'status', 'disruptionsAllowed') ?? 0), age(o.metadata.creationTimestamp, now)],
  },
};
