import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

/** A TCP port that was free a moment ago on 127.0.0.1 (closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/**
 * Keep the cluster's private ranges on this machine while a test sends to
 * pod IPs or ClusterIPs: DROP rules for 10.0.0.0/8 out of the default
 * route's interface (OUTPUT and FORWARD). Returns the function that removes
 * them; call it in every outcome. Does nothing where there is no default
 * route (nothing could leave anyway).
 */
export function guardClusterTraffic(): () => void {
  const route = spawnSync('ip', ['-4', 'route', 'show', 'default'], { encoding: 'utf8' }).stdout;
  const uplink = /\bdev (\S+)/.exec(route)?.[1];
  if (uplink === undefined) return () => undefined;
  const rule = (chain: string) => [chain, '-d', '10.0.0.0/8', '-o', uplink, '-j', 'DROP'];
  for (const chain of ['OUTPUT', 'FORWARD']) {
    const added = spawnSync('iptables', ['-w', '-I', ...rule(chain)], { encoding: 'utf8' });
    if (added.status !== 0) throw new Error(`iptables guard on ${chain}: ${added.stderr.trim()}`);
  }
  return () => {
    for (const chain of ['OUTPUT', 'FORWARD']) spawnSync('iptables', ['-w', '-D', ...rule(chain)], { stdio: 'ignore' });
  };
}
