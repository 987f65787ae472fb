import type { FieldError, KubeObject } from '../api/meta.js';
import { invalid as fieldInvalid, statusMessageFor } from '../api/validation.js';
import { isAlreadyExists, isNotFound } from '../storage/errors.js';
import type { Store } from '../storage/store.js';
import { invalid } from './errors.js';

/** The range NodePorts come from, as upstream's default `--service-node-port-range`. */
export const nodePortRange = { first: 30000, last: 32767 } as const;

interface Port {
  name?: string;
  port?: number;
  protocol?: string;
  nodePort?: number;
}
interface Spec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: Port[];
}

const specOf = (svc: KubeObject | undefined): Spec => (svc?.spec ?? {});
const wantsNodePorts = (s: Spec) => s.type === 'NodePort' || s.type === 'LoadBalancer';
const ipKey = (ip: string) => `/registry/skiff/serviceips/${ip}`;
const portKey = (port: number) => `/registry/skiff/nodeports/${port}`;

/** An IPv4 CIDR as numbers: the first and last usable addresses. */
function parseCIDR(cidr: string): { first: number; last: number } {
  const [base = '', bits = '32'] = cidr.split('/');
  const parts = base.split('.').map(Number);
  const prefix = Number(bits);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255) || !(prefix >= 8 && prefix <= 30))
    throw new Error(`invalid service CIDR: ${cidr} (an IPv4 range from /8 to /30)`);
  const n = parts.reduce((a, p) => a * 256 + p, 0);
  const size = 2 ** (32 - prefix);
  const network = n - (n % size);
  return { first: network + 1, last: network + size - 2 };
}

const ipText = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
const ipNumber = (ip: string) => (/^\d+\.\d+\.\d+\.\d+$/.test(ip) ? ip.split('.').reduce((a, p) => a * 256 + Number(p), 0) : Number.NaN);

/**
 * ClusterIPs from `--service-cidr` and NodePorts from 30000–32767, each
 * claimed by creating its own key in the store: unique under concurrent
 * creates and across restarts, released when the Service goes.
 */
export class ServiceAllocator {
  readonly #store: Store;
  readonly #range: { first: number; last: number };
  readonly #cidr: string;

  constructor(store: Store, serviceCIDR: string) {
    this.#store = store;
    this.#cidr = serviceCIDR;
    this.#range = parseCIDR(serviceCIDR);
  }

  /** The first address of the range: the `kubernetes` Service's ClusterIP. */
  get firstIP(): string {
    return ipText(this.#range.first);
  }

  /**
   * Fill in `svc`'s ClusterIP and NodePorts (keeping those of `old`), claiming
   * new ones; 422 Invalid if a requested one is taken or out of range.
   * Returns an undo that releases what this call claimed.
   */
  async allocate(svc: KubeObject, old: KubeObject | undefined): Promise<() => Promise<void>> {
    const owner = `${svc.metadata.namespace ?? ''}/${svc.metadata.name ?? ''}`;
    const claimed: string[] = [];
    const undo = async () => {
      for (const key of claimed) await this.#store.delete(key, 0).catch(() => undefined);
    };
    const errors: FieldError[] = [];
    try {
      const spec = specOf(svc);
      const before = specOf(old);
      if (spec.type === 'ExternalName') {
        delete spec.clusterIP;
        delete spec.clusterIPs;
      } else if (before.clusterIP && before.type !== 'ExternalName') {
        spec.clusterIP ??= before.clusterIP;
        spec.clusterIPs ??= before.clusterIPs ?? [before.clusterIP];
      } else if (spec.clusterIP === 'None') spec.clusterIPs = ['None'];
      else {
        const ip = await this.#claimIP(spec.clusterIP, owner, claimed, errors);
        if (ip) {
          spec.clusterIP = ip;
          spec.clusterIPs = [ip];
        }
      }
      const held = new Map((before.ports ?? []).map((p) => [`${p.name ?? ''}/${p.port ?? 0}/${p.protocol ?? 'TCP'}`, p.nodePort]));
      const mine = new Set(wantsNodePorts(before) ? (before.ports ?? []).map((p) => p.nodePort) : []);
      if (wantsNodePorts(spec)) {
        for (const [i, p] of (spec.ports ?? []).entries()) {
          const previous = held.get(`${p.name ?? ''}/${p.port ?? 0}/${p.protocol ?? 'TCP'}`);
          if (p.nodePort === undefined && previous !== undefined && wantsNodePorts(before)) p.nodePort = previous;
          if (p.nodePort !== undefined && mine.has(p.nodePort)) continue;
          const port = await this.#claimPort(p.nodePort, owner, claimed, `spec.ports[${i}].nodePort`, errors);
          if (port) {
            p.nodePort = port;
            mine.add(port);
          }
        }
      }
    } catch (err) {
      await undo();
      throw err;
    }
    if (errors.length > 0) {
      await undo();
      const name = svc.metadata.name ?? '';
      throw invalid('Service', '', name, statusMessageFor('Service', name, errors), errors);
    }
    return undo;
  }

  /** Release what `old` held and `svc` no longer does (after an update), or all of `old` (after a delete). */
  async release(old: KubeObject, svc?: KubeObject): Promise<void> {
    const before = specOf(old);
    const after = specOf(svc);
    const keepIP = svc !== undefined && after.clusterIP === before.clusterIP && after.type !== 'ExternalName';
    if (before.clusterIP && before.clusterIP !== 'None' && !keepIP) await this.#free(ipKey(before.clusterIP));
    const kept = new Set(svc && wantsNodePorts(after) ? (after.ports ?? []).map((p) => p.nodePort) : []);
    for (const p of before.ports ?? []) if (p.nodePort !== undefined && !kept.has(p.nodePort)) await this.#free(portKey(p.nodePort));
  }

  async #claimIP(requested: string | undefined, owner: string, claimed: string[], errors: FieldError[]): Promise<string | undefined> {
    const { first, last } = this.#range;
    if (requested) {
      const n = ipNumber(requested);
      if (!(n >= first && n <= last)) {
        errors.push(fieldInvalid('spec.clusterIPs', [requested], `failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${this.#cidr}`));
        return undefined;
      }
      if (await this.#claim(ipKey(requested), owner, claimed)) return requested;
      errors.push(fieldInvalid('spec.clusterIPs', [requested], `failed to allocate IP ${requested}: provided IP is already allocated`));
      return undefined;
    }
    // The first address is the `kubernetes` Service's; start at a random point after it.
    const span = last - first;
    const start = Math.floor(Math.random() * span);
    for (let i = 0; i < span; i++) {
      const ip = ipText(first + 1 + ((start + i) % span));
      if (await this.#claim(ipKey(ip), owner, claimed)) return ip;
    }
    throw new Error(`range is full: no ClusterIP left in ${this.#cidr}`);
  }

  async #claimPort(requested: number | undefined, owner: string, claimed: string[], field: string, errors: FieldError[]): Promise<number | undefined> {
    const { first, last } = nodePortRange;
    if (requested !== undefined) {
      if (requested < first || requested > last) {
        errors.push(fieldInvalid(field, requested, `provided port is not in the valid range. The range of valid ports is ${first}-${last}`));
        return undefined;
      }
      if (await this.#claim(portKey(requested), owner, claimed)) return requested;
      errors.push(fieldInvalid(field, requested, 'provided port is already allocated'));
      return undefined;
    }
    const span = last - first + 1;
    const start = Math.floor(Math.random() * span);
    for (let i = 0; i < span; i++) {
      const port = first + ((start + i) % span);
      if (await this.#claim(portKey(port), owner, claimed)) return port;
    }
    throw new Error(`range is full: no NodePort left in ${first}-${last}`);
  }

  async #claim(key: string, owner: string, claimed: string[]): Promise<boolean> {
    try {
      await this.#store.create(key, JSON.stringify({ owner }));
      claimed.push(key);
      return true;
    } catch (err) {
      if (isAlreadyExists(err)) return false;
      throw err;
    }
  }

  async #free(key: string): Promise<void> {
    await this.#store.delete(key, 0).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }
}
