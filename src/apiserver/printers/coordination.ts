import { age, ageCol, col, get, nameCol, str, type Printer } from './helpers.js';

/** Printers of the coordination.k8s.io/v1 kinds, by kind. */
export const coordinationPrinters: Record<string, Printer> = {
  Lease: {
    columns: [nameCol, col('Holder'), ageCol],
    row: (o, now) => [o.metadata.name ?? '', str(get(o, 'spec', 'holderIdentity'), ''), age(o.metadata.creationTimestamp, now)],
  },
};
