// What goes into an image's root filesystem: a host directory's tree, host
// binaries with the shared libraries they load (at the same paths, so the
// dynamic loader finds them as it does on the host), single files, symlinks,
// and busybox's applet links.
import { execFile } from 'node:child_process';
import type { Stats } from 'node:fs';
import { lstat, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { ImageError } from './errors.js';
import { sharedLibraries } from './ldd.js';
import { imagePath, type Tree } from './tree.js';

const run = promisify(execFile);

async function statOrThrow(path: string, what: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch (err) {
    throw new ImageError('InvalidSource', `${what} ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Add the tree under host directory `dir` at `at` in the image: files,
 * directories and symlinks as they are (symlinks are not followed); sockets,
 * devices and fifos are skipped, since an image layer should not carry them.
 */
export async function addDirectory(tree: Tree, dir: string, at: string): Promise<void> {
  const top = await statOrThrow(dir, 'directory');
  if (!top.isDirectory()) throw new ImageError('InvalidSource', `${dir} is not a directory`);
  const walk = async (host: string, inImage: string): Promise<void> => {
    const names = (await readdir(host)).sort();
    for (const name of names) {
      const src = join(host, name);
      const dest = inImage === '' ? name : `${inImage}/${name}`;
      const st = await lstat(src);
      if (st.isDirectory()) {
        tree.add({ type: 'directory', path: dest, mode: st.mode });
        await walk(src, dest);
      } else if (st.isSymbolicLink()) tree.add({ type: 'symlink', path: dest, target: await readlink(src) });
      else if (st.isFile()) tree.add({ type: 'file', path: dest, mode: st.mode, source: src, size: st.size });
    }
  };
  const root = at === '/' || at === '' ? '' : imagePath(at);
  if (root !== '') tree.add({ type: 'directory', path: root, mode: top.mode });
  await walk(dir, root);
}

/** Add host file or directory `source` at `dest` in the image, following symlinks for a file. */
export async function addFile(tree: Tree, source: string, dest: string): Promise<void> {
  const st = await statOrThrow(source, 'file');
  if (st.isDirectory()) return addDirectory(tree, source, dest);
  if (!st.isFile()) throw new ImageError('InvalidSource', `${source} is not a regular file or directory`);
  tree.add({ type: 'file', path: dest, mode: st.mode, source: await realpath(source), size: st.size });
}

/** True for busybox, whose applets are links to the one binary. */
export async function isBusybox(binary: string): Promise<boolean> {
  return basename(binary) === 'busybox' || basename(await realpath(binary)) === 'busybox';
}

/**
 * Add `binary` at its own path, with every library and the loader `ldd`
 * lists at theirs (contents of symlinks followed: `/lib64/ld-linux-x86-64.so.2`
 * becomes a file at that path). Returns the libraries added.
 */
export async function addBinary(tree: Tree, binary: string): Promise<string[]> {
  if (!binary.startsWith('/')) throw new ImageError('InvalidSource', `--binary ${binary}: give an absolute path (it is also the path in the image)`);
  await addFile(tree, binary, binary);
  const libraries = await sharedLibraries(binary);
  for (const lib of libraries) await addFile(tree, lib, lib);
  return libraries;
}

/**
 * Add busybox's applet links (`usr/bin/wget` → the binary) where the image
 * has nothing yet, as `busybox --list-full` names them (`--list` puts them
 * all in bin/ on builds without it). Returns how many were added.
 */
export async function addBusyboxLinks(tree: Tree, binary: string): Promise<number> {
  let paths: string[];
  try {
    paths = (await run(binary, ['--list-full'], { encoding: 'utf8' })).stdout.split('\n');
  } catch {
    try {
      paths = (await run(binary, ['--list'], { encoding: 'utf8' })).stdout.split('\n').map((name) => (name === '' ? '' : `bin/${name}`));
    } catch (err) {
      throw new ImageError('InvalidSource', `${binary} --list failed: is it busybox? (${(err as Error).message})`, { cause: err });
    }
  }
  const target = '/' + imagePath(binary);
  let added = 0;
  for (const path of paths.map((p) => p.trim()).filter((p) => p !== '')) {
    if (tree.has(path)) continue;
    tree.add({ type: 'symlink', path, target });
    added++;
  }
  return added;
}
