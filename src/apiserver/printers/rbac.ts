import type { KubeObject } from '../../api/meta.js';
import { age, ageCol, arr, col, get, nameCol, str, type Cell, type Printer } from './helpers.js';

/** Role and ClusterRole: the name and the creation time (RFC 3339, UTC). */
const rolePrinter: Printer = {
  columns: [nameCol, col('Created At', 0, 'date')],
  row: (r) => [r.metadata.name ?? '', r.metadata.creationTimestamp ?? ''],
};

/** Users, groups and service accounts (`namespace/name`) of a binding, as upstream's SubjectsStrings. */
function subjects(b: KubeObject): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of arr(get(b, 'subjects'))) {
    const name = str(get(s, 'name'), '');
    const kind = get(s, 'kind');
    if (kind === 'User') users.push(name);
    else if (kind === 'Group') groups.push(name);
    else if (kind === 'ServiceAccount') sas.push(`${str(get(s, 'namespace'), '')}/${name}`);
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

/** RoleBinding and ClusterRoleBinding: name, `Kind/name` of the role, age; subjects when wide. */
const bindingPrinter: Printer = {
  columns: [nameCol, col('Role'), ageCol, col('Users', 1), col('Groups', 1), col('ServiceAccounts', 1)],
  row: (b, now): Cell[] => [
    b.metadata.name ?? '',
    `${str(get(b, 'roleRef', 'kind'), '')}/${str(get(b, 'roleRef', 'name'), '')}`,
    age(b.metadata.creationTimestamp, now),
    ...subjects(b),
  ],
};

/** Printers of the rbac.authorization.k8s.io/v1 kinds, by kind. */
export const rbacPrinters: Record<string, Printer> = {
  Role: rolePrinter,
  ClusterRole: rolePrinter,
  RoleBinding: bindingPrinter,
  ClusterRoleBinding: bindingPrinter,
};
