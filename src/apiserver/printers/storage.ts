import { isDefaultClass } from '../../api/storage/index.js';
import { age, ageCol, col, nameCol, str, type Printer } from './helpers.js';

/** Printers of the storage.k8s.io/v1 kinds, by kind. */
export const storagePrinters: Record<string, Printer> = {
  StorageClass: {
    columns: [nameCol, col('Provisioner'), col('ReclaimPolicy'), col('VolumeBindingMode'), col('AllowVolumeExpansion'), ageCol],
    row: (s, now) => [
      `${s.metadata.name ?? ''}${isDefaultClass(s) ? ' (default)' : ''}`,
      str(s.provisioner, ''),
      str(s.reclaimPolicy, 'Delete'),
      str(s.volumeBindingMode, 'Immediate'),
      String(s.allowVolumeExpansion === true),
      age(s.metadata.creationTimestamp, now),
    ],
  },
};
