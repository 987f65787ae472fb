/** The node's pod network: a CNI bridge over the node's pod CIDR, written where the node's containerd reads it. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Name of the node's bridge (and of its CNI network). */
export const POD_BRIDGE = 'skiff0';

/**
 * The CNI conflist: a bridge that is the pods' gateway and masquerades
 * their traffic off the node, host-local addresses from `podCIDR`, and
 * portmap for `hostPort`s. containerd sets up each pod's loopback itself.
 */
export function cniConflist(podCIDR: string, ipamDir: string): object {
  return {
    cniVersion: '0.4.0',
    name: 'skiff',
    plugins: [
      {
        type: 'bridge', bridge: POD_BRIDGE, isGateway: true, ipMasq: true, hairpinMode: true,
        ipam: { type: 'host-local', ranges: [[{ subnet: podCIDR }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: ipamDir },
      },
      { type: 'portmap', capabilities: { portMappings: true }, snat: true },
    ],
  };
}

/** Write the conflist into `confDir` (replacing an older one of a previous pod CIDR). */
export function writeCniConfig(confDir: string, podCIDR: string, ipamDir: string): string {
  mkdirSync(confDir, { recursive: true });
  const file = join(confDir, '10-skiff.conflist');
  writeFileSync(file, `${JSON.stringify(cniConflist(podCIDR, ipamDir), null, 2)}\n`);
  return file;
}
