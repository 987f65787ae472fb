// A layer: the tree as a tar, gzip-compressed, with the two digests an image
// needs — of the compressed blob (the manifest names it) and of the tar
// itself (the config's rootfs.diff_ids). Fixed owners and mtimes and sorted
// entries make equal trees give byte-equal layers.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import type { TreeEntry } from './tree.js';

/** Media type of a gzip-compressed layer (OCI image-spec). */
export const LAYER_MEDIA_TYPE = 'application/vnd.oci.image.layer.v1.tar+gzip';

/** Every entry's mtime: 1970-01-01, so that a rebuild gives the same digests. */
const EPOCH = new Date(0);

/** A layer written to a file. */
export interface LayerBlob {
  /** `sha256:…` of the compressed file. */
  readonly digest: string;
  /** Bytes of the compressed file. */
  readonly size: number;
  /** `sha256:…` of the uncompressed tar. */
  readonly diffId: string;
  /** Where the compressed layer is. */
  readonly file: string;
}

/** A pass-through stream that hashes and counts what goes through it. */
function tap(hash: Hash, count: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      count(chunk.length);
      done(null, chunk);
    },
  });
}

function header(entry: TreeEntry): tar.Headers {
  const common = { uid: 0, gid: 0, uname: '', gname: '', mtime: EPOCH };
  switch (entry.type) {
    case 'directory':
      return { ...common, name: entry.path + '/', type: 'directory', mode: entry.mode & 0o7777 };
    case 'symlink':
      return { ...common, name: entry.path, type: 'symlink', mode: 0o777, linkname: entry.target };
    case 'file':
      return { ...common, name: entry.path, type: 'file', mode: entry.mode & 0o7777, size: 'content' in entry ? entry.content.length : entry.size };
  }
}

/** Append one entry to `pack`, streaming a host file's content; resolves once it is in. */
function append(pack: tar.Pack, entry: TreeEntry): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error | null) => (err ? reject(err) : resolve());
    if (entry.type === 'file' && !('content' in entry)) {
      const sink = pack.entry(header(entry), done);
      createReadStream(entry.source).on('error', reject).pipe(sink);
    } else if (entry.type === 'file') pack.entry(header(entry), entry.content, done);
    else pack.entry(header(entry), done);
  });
}

/**
 * Write `entries` (in the order given: sort them first) as a gzip-compressed
 * tar to `file`, hashing both forms on the way.
 */
export async function writeLayer(entries: readonly TreeEntry[], file: string): Promise<LayerBlob> {
  const pack = tar.pack();
  const diff = createHash('sha256');
  const blob = createHash('sha256');
  let size = 0;
  const written = pipeline(pack, tap(diff, () => undefined), createGzip({ level: 6 }), tap(blob, (n) => (size += n)), createWriteStream(file));
  try {
    for (const entry of entries) await append(pack, entry);
    pack.finalize();
  } catch (err) {
    pack.destroy(err as Error);
    await written.catch(() => undefined);
    throw err;
  }
  await written;
  return { digest: `sha256:${blob.digest('hex')}`, size, diffId: `sha256:${diff.digest('hex')}`, file };
}
