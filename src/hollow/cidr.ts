/**
 * IPv4 range arithmetic for hollow nodes: each node takes a /24 (by
 * default) of the cluster CIDR as its `spec.podCIDR`, and hands its pods
 * addresses from it as the host-local CNI plugin would (the network
 * address, the bridge's `.1` and the broadcast address are never given out).
 */

/** An IPv4 range: its first address as a number, and its prefix length. */
export interface CIDR {
  readonly base: number;
  readonly bits: number;
}

/** Stable codes of {@link CIDRError}. */
export type CIDRErrorCode = 'Invalid' | 'Exhausted';

/** A range could not be parsed, or has no room left. */
export class CIDRError extends Error {
  readonly code: CIDRErrorCode;

  constructor(code: CIDRErrorCode, message: string) {
    super(message);
    this.name = 'CIDRError';
    this.code = code;
  }
}

/** `10.42.0.7` → a 32-bit unsigned number; undefined if not a dotted quad. */
export function parseIPv4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

/** A 32-bit number → `10.42.0.7`. */
export const formatIPv4 = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** `10.42.0.0/16` → its range (host bits cleared); throws CIDRError 'Invalid' for anything else (IPv6 included). */
export function parseCIDR(s: string): CIDR {
  const [ip = '', bits = '', extra] = s.split('/');
  const base = parseIPv4(ip);
  const n = Number(bits);
  if (base === undefined || extra !== undefined || !/^\d{1,2}$/.test(bits) || n > 32) throw new CIDRError('Invalid', `invalid IPv4 CIDR ${JSON.stringify(s)}`);
  return { base: n === 0 ? 0 : (base & (~0 << (32 - n))) >>> 0, bits: n };
}

export const formatCIDR = (c: CIDR): string => `${formatIPv4(c.base)}/${c.bits}`;

/** How many /`bits` subnets `c` holds. */
export function subnetCount(c: CIDR, bits: number): number {
  return bits < c.bits ? 0 : 2 ** (bits - c.bits);
}

/** The `i`th /`bits` subnet of `c`. */
export function subnet(c: CIDR, bits: number, i: number): CIDR {
  return { base: c.base + i * 2 ** (32 - bits), bits };
}

/**
 * Hands out /`maskBits` subnets of a cluster CIDR that no other node holds:
 * the lowest free one first, as the node IPAM controller's range allocator.
 */
export class NodeCIDRAllocator {
  readonly #cluster: CIDR;
  readonly #bits: number;
  readonly #used = new Set<number>();
  #next = 0;

  constructor(clusterCIDR: string, maskBits = 24) {
    this.#cluster = parseCIDR(clusterCIDR);
    if (maskBits < this.#cluster.bits || maskBits > 30) throw new CIDRError('Invalid', `node CIDR mask /${maskBits} does not fit in ${clusterCIDR}`);
    this.#bits = maskBits;
  }

  /** How many subnets the cluster CIDR holds in all. */
  get size(): number {
    return subnetCount(this.#cluster, this.#bits);
  }

  /** How many are still free. */
  get free(): number {
    return this.size - this.#used.size;
  }

  /** Marks a CIDR another node already holds (ignored unless it is one of ours). */
  reserve(cidr: string): void {
    let c: CIDR;
    try {
      c = parseCIDR(cidr);
    } catch {
      return;
    }
    const span = 2 ** (32 - this.#bits);
    const i = (c.base - this.#cluster.base) / span;
    if (c.bits === this.#bits && Number.isInteger(i) && i >= 0 && i < this.size) this.#used.add(i);
  }

  /** The lowest free subnet; throws CIDRError 'Exhausted' when none is left. */
  allocate(): string {
    const size = this.size;
    while (this.#next < size && this.#used.has(this.#next)) this.#next++;
    if (this.#next >= size) throw new CIDRError('Exhausted', `no /${this.#bits} left in ${formatCIDR(this.#cluster)}`);
    this.#used.add(this.#next);
    return formatCIDR(subnet(this.#cluster, this.#bits, this.#next));
  }
}

/**
 * The pod addresses of one node's range, lowest free first, skipping the
 * network address, the gateway (`.1`) and the broadcast address.
 */
export class PodIPAllocator {
  readonly #first: number;
  readonly #count: number;
  /** Offsets from `#first` in use; small (a node runs ≤ 110 pods). */
  readonly #used = new Set<number>();

  constructor(podCIDR: string) {
    const c = parseCIDR(podCIDR);
    this.#first = c.base + 2;
    this.#count = Math.max(0, 2 ** (32 - c.bits) - 3);
  }

  /** Marks an address in use (one a pod already holds); false if it is not in this range. */
  reserve(ip: string): boolean {
    const n = parseIPv4(ip);
    if (n === undefined || n < this.#first || n >= this.#first + this.#count) return false;
    this.#used.add(n - this.#first);
    return true;
  }

  /** The lowest free address, or undefined when the range is full. */
  allocate(): string | undefined {
    for (let i = 0; i < this.#count; i++) {
      if (!this.#used.has(i)) {
        this.#used.add(i);
        return formatIPv4(this.#first + i);
      }
    }
    return undefined;
  }

  release(ip: string): void {
    const n = parseIPv4(ip);
    if (n !== undefined) this.#used.delete(n - this.#first);
  }
}
