import { age, ageCol, col, nameCol, str, type Printer } from './helpers.js';

/** Printers of the scheduling.k8s.io/v1 kinds, by kind. */
export const schedulingPrinters: Record<string, Printer> = {
  PriorityClass: {
    columns: [nameCol, col('Value', 0, 'integer'), col('Global-Default', 0, 'boolean'), ageCol, col('PreemptionPolicy')],
    row: (o, now) => [o.metadata.name ?? '', typeof o.value === 'number' ? o.value : 0, o.globalDefault === true, age(o.metadata.creationTimestamp, now), str(o.preemptionPolicy, '')],
  },
};
