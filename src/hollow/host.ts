import { networkInterfaces } from 'node:os';

/** The address a node on this machine reports as its InternalIP: the first non-loopback IPv4 address, else 127.0.0.1. */
export function defaultNodeIP(): string {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}
