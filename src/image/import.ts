// `skiff image import`: load OCI or docker archives into a node's containerd
// with containerd's own `ctr images import`, in the namespace the CRI plugin
// (and so the kubelet) sees, keeping the names the archives carry.
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ImageError } from './errors.js';

const run = promisify(execFile);

/** containerd's namespace for Kubernetes' images (the CRI plugin's). */
export const K8S_NAMESPACE = 'k8s.io';

/** The socket of the containerd that skiff supervises for the node with data dir `dataDir`. */
export function containerdSocket(dataDir: string): string {
  return join(dataDir, 'containerd', 'containerd.sock');
}

/** What {@link importImages} loads, and where. */
export interface ImportOptions {
  /** containerd's gRPC socket. */
  readonly address: string;
  /** OCI or docker archives (`docker save`, `ctr images export`, `skiff image build`). */
  readonly files: readonly string[];
  /** Default `k8s.io`. */
  readonly namespace?: string;
  /** The ctr binary; default `ctr` on PATH. */
  readonly ctr?: string;
  /** Added to the "no containerd" error: how to get one at `address`. */
  readonly hint?: string;
}

/** One archive imported. */
export interface ImportedArchive {
  readonly file: string;
  /** Image names ctr reports having unpacked. */
  readonly names: readonly string[];
  /** ctr's output. */
  readonly output: string;
}

type ExecError = NodeJS.ErrnoException & { stdout?: string; stderr?: string };

async function ctr(binary: string, args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(binary, [...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    if ((err as ExecError).code === 'ENOENT') {
      throw new ImageError('NoCtr', `${binary} not found: skiff imports images with containerd's ctr; install containerd (apt-get install containerd)`, { cause: err });
    }
    throw err;
  }
}

/** The names in ctr's `unpacking NAME (sha256:…)...done` lines. */
export function unpackedNames(output: string): string[] {
  return [...output.matchAll(/^unpacking (\S+) \(sha256:[0-9a-f]+\)/gm)].map((m) => m[1] ?? '');
}

/**
 * Import each archive into containerd at `o.address`, first checking that
 * ctr exists and that containerd answers there, so the error says which.
 *
 * @example
 * await importImages({ address: containerdSocket('/var/lib/skiff'), files: ['busybox.tar'] });
 */
export async function importImages(o: ImportOptions): Promise<ImportedArchive[]> {
  const binary = o.ctr ?? 'ctr';
  const namespace = o.namespace ?? K8S_NAMESPACE;
  for (const file of o.files) {
    try {
      await access(file, constants.R_OK);
    } catch (err) {
      throw new ImageError('InvalidSource', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
    }
  }
  const noContainerd = (why: string, cause?: unknown) =>
    new ImageError('NoContainerd', `no containerd at ${o.address}${o.hint === undefined ? '' : `: ${o.hint}`} (${why})`, { cause });
  try {
    await access(o.address);
  } catch (err) {
    // Still look for ctr first: without it, a running containerd would not help.
    await ctr(binary, ['--version']);
    throw noContainerd('no such socket', err);
  }
  try {
    await ctr(binary, ['--address', o.address, '--connect-timeout', '5s', 'version']);
  } catch (err) {
    if (err instanceof ImageError) throw err;
    throw noContainerd(((err as ExecError).stderr ?? (err as Error).message).trim(), err);
  }
  const imported: ImportedArchive[] = [];
  for (const file of o.files) {
    try {
      const { stdout, stderr } = await ctr(binary, ['--address', o.address, '--namespace', namespace, 'images', 'import', '--all-platforms', file]);
      const output = stdout + stderr;
      imported.push({ file, names: unpackedNames(output), output });
    } catch (err) {
      if (err instanceof ImageError) throw err;
      const e = err as ExecError;
      throw new ImageError('ImportFailed', `ctr images import ${file} failed: ${(e.stderr ?? e.message).trim()}`, { cause: err });
    }
  }
  return imported;
}
