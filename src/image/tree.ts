// The root filesystem of an image before it becomes a layer: paths inside
// the image (no leading slash) to what is there. Later additions replace
// earlier ones, so `--file` can override what a directory or binary brought.
import { posix } from 'node:path';
import { ImageError } from './errors.js';

/** One path of the root filesystem; every entry is owned by root (0:0). */
export type TreeEntry =
  | { readonly type: 'directory'; readonly path: string; readonly mode: number }
  | { readonly type: 'file'; readonly path: string; readonly mode: number; readonly source: string; readonly size: number }
  | { readonly type: 'file'; readonly path: string; readonly mode: number; readonly content: Buffer }
  | { readonly type: 'symlink'; readonly path: string; readonly target: string };

/** `/usr/bin/../bin/x` → `usr/bin/x`; refuses the root itself and paths that leave it. */
export function imagePath(path: string): string {
  const clean = posix.normalize('/' + path).replace(/^\/+/, '').replace(/\/+$/, '');
  if (clean === '' || clean === '.') throw new ImageError('InvalidSource', `${JSON.stringify(path)} names the image's root, not a path in it`);
  return clean;
}

/** Paths in the image to entries, with every parent a directory. */
export class Tree {
  readonly #entries = new Map<string, TreeEntry>();

  /** Add or replace `entry` (its path is normalised), creating missing parent directories (0755). */
  add(entry: TreeEntry): void {
    const path = imagePath(entry.path);
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      const existing = this.#entries.get(parent);
      if (existing === undefined) this.#entries.set(parent, { type: 'directory', path: parent, mode: 0o755 });
      else if (existing.type !== 'directory') {
        // Unpacking would write through a symlink or fail on a file: refuse it here, with the paths.
        throw new ImageError('InvalidSource', `/${path} is inside /${parent}, which the image already has as a ${existing.type}`);
      }
    }
    const old = this.#entries.get(path);
    if (old?.type === 'directory' && entry.type === 'directory') return;
    if (old?.type === 'directory' && [...this.#entries.keys()].some((p) => p.startsWith(path + '/'))) {
      throw new ImageError('InvalidSource', `/${path} is already a directory with contents; it cannot become a ${entry.type}`);
    }
    this.#entries.set(path, { ...entry, path });
  }

  /** True when the image has `path`. */
  has(path: string): boolean {
    return this.#entries.has(imagePath(path));
  }

  /** Every entry sorted by path, so a parent comes before its children and equal trees give equal layers. */
  entries(): TreeEntry[] {
    return [...this.#entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}
