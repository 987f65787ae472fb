import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Directories searched after `PATH`: Debian installs runc in /usr/sbin, which a non-login PATH may lack. */
const FALLBACK_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** Absolute path of the executable `name` on `PATH` (or a usual system dir), or `undefined`. */
export function findExecutable(name: string, path = process.env['PATH'] ?? ''): string | undefined {
  const dirs = [...path.split(delimiter).filter((d) => d.startsWith('/')), ...FALLBACK_DIRS];
  for (const dir of dirs) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here; try the next dir
    }
  }
  return undefined;
}

/** The packages that give a node containerd, runc and the CNI plugins. */
export const RUNTIME_APT_INSTALL = 'apt-get install containerd runc containernetworking-plugins';
