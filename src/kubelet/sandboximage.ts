/**
 * The sandbox (pause) image without a registry: at first start, when the
 * node's containerd does not have it, it is built from Debian's static
 * busybox (a process that sleeps until it is killed: all a sandbox needs)
 * and imported, as `skiff image build` and `skiff image import` would.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage, importImages } from '../image/index.js';
import type { CriClient } from './cri/client.js';
import { RuntimeSetupError } from './errors.js';

/** skiff's own sandbox image: `localhost/` marks it as built here, never pulled. */
export const SANDBOX_IMAGE = 'localhost/skiff/pause:1';

/** Where the busybox-static package puts its binary. */
const BUSYBOX = '/bin/busybox';

/** Make sure the runtime at `socket` has `image`; build and import it from busybox when it does not. */
export async function ensureSandboxImage(cri: CriClient, socket: string, image = SANDBOX_IMAGE): Promise<'present' | 'built'> {
  if (await cri.imageStatus({ image })) return 'present';
  if (!existsSync(BUSYBOX)) throw new RuntimeSetupError('RuntimeNotInstalled', `the sandbox image ${image} is missing and ${BUSYBOX} to build it from is not installed: apt-get install busybox-static`);
  const dir = mkdtempSync(join(tmpdir(), 'skiff-pause-'));
  try {
    const output = join(dir, 'pause.tar');
    await buildImage({ tags: [image], output, binaries: [BUSYBOX], busyboxLinks: false, config: { entrypoint: ['/bin/busybox', 'sleep', '2147483647'] } });
    await importImages({ address: socket, files: [output] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return 'built';
}
