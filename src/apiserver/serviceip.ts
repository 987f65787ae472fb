/** The first usable address of an IPv4 CIDR: the `kubernetes` Service's ClusterIP (10.43.0.1 for 10.43.0.0/16). */
export function firstServiceIP(cidr: string): string {
  const [base = '', bits = '32'] = cidr.split('/');
  const parts = base.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`invalid service CIDR: ${cidr}`);
  const size = 32 - Number(bits);
  const n = (((parts[0] ?? 0) << 24) | ((parts[1] ?? 0) << 16) | ((parts[2] ?? 0) << 8) | (parts[3] ?? 0)) >>> 0;
  const network = size >= 32 ? 0 : (n >>> size) << size >>> 0;
  const ip = (network + 1) >>> 0;
  return [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join('.');
}
