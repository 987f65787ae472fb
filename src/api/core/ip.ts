/** IP and CIDR checks with upstream's messages (endpoints, services, nodes). */
import { isIP } from 'node:net';

/** True if `s` is an IPv4 or IPv6 address. */
export function isIPAddress(s: string): boolean {
  return isIP(s) !== 0;
}

/** True if `s` is a CIDR such as `10.42.0.0/24` or `fd00::/64`. */
export function isCIDR(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return false;
  const family = isIP(s.slice(0, slash));
  const bits = s.slice(slash + 1);
  if (family === 0 || !/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/** Upstream's ValidateEndpointIP messages for an endpoint address (empty = valid). */
export function endpointIPErrors(ip: string): string[] {
  if (!isIPAddress(ip)) return ['must be a valid IP address'];
  const v4 = isIP(ip) === 4;
  const lower = ip.toLowerCase();
  if (v4 ? ip === '0.0.0.0' : /^[0:]+$/.test(lower)) return ['may not be unspecified (0.0.0.0)'];
  if (v4 ? ip.startsWith('127.') : lower === '::1') return ['may not be in the loopback range (127.0.0.0/8, ::1/128)'];
  if (v4 ? ip.startsWith('169.254.') : /^fe[89ab]/.test(lower))
    return ['may not be in the link-local range (169.254.0.0/16, fe80::/10)'];
  if (v4 ? ip.startsWith('224.0.0.') : lower.startsWith('ff02:'))
    return ['may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'];
  return [];
}
