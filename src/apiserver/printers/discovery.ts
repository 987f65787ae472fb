import type { KubeObject } from '../../api/meta.js';
import { age, ageCol, arr, col, get, nameCol, str, type Printer } from './helpers.js';

const MAX_SHOWN = 3;

/** listWithMoreString: the first three, `+ N more...` past them, `<unset>` when empty. */
function listWithMore(items: string[]): string {
  const shown = items.slice(0, MAX_SHOWN).join(',');
  if (items.length > MAX_SHOWN) return `${shown} + ${items.length - MAX_SHOWN} more...`;
  return shown === '' ? '<unset>' : shown;
}

/** formatDiscoveryPorts: each port's number, else its name (even empty), else `*`. */
function portCell(p: unknown): string {
  const n = get(p, 'port');
  const name = get(p, 'name');
  return typeof n === 'number' ? String(n) : typeof name === 'string' ? name : '*';
}
const ports = (o: KubeObject) => listWithMore(arr(get(o, 'ports')).map(portCell));

/** formatDiscoveryEndpoints: every address of every endpoint. */
const endpoints = (o: KubeObject) => {
  const addresses: unknown[] = arr(get(o, 'endpoints')).flatMap((e) => arr(get(e, 'addresses')));
  return listWithMore(addresses.filter((a): a is string => typeof a === 'string'));
};

/** Printers of the discovery.k8s.io/v1 kinds, by kind. */
export const discoveryPrinters: Record<string, Printer> = {
  EndpointSlice: {
    columns: [nameCol, col('AddressType'), col('Ports'), col('Endpoints'), ageCol],
    row: (o, now) => [o.metadata.name ?? '', str(o.addressType, ''), ports(o), endpoints(o), age(o.metadata.creationTimestamp, now)],
  },
};
