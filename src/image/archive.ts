// An OCI archive: a tar of an OCI image layout (image-spec's image-layout.md)
// — `oci-layout`, `index.json` and `blobs/sha256/<hex>` — as `ctr images
// import`, `docker load` and skopeo's `oci-archive:` read it. containerd names
// each imported image after its index descriptor's `io.containerd.image.name`
// annotation (containerd's import.go, imageName), so every tag gets one
// descriptor carrying the full name; `org.opencontainers.image.ref.name`
// carries the tag, as containerd's own exporter writes it.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { ImageReference } from './reference.js';

/** OCI media types of the JSON documents. */
export const MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
} as const;

/** Annotation keys on the index's manifest descriptors. */
export const ANNOTATIONS = {
  /** Full image name; what containerd names the imported image. */
  imageName: 'io.containerd.image.name',
  /** The tag (OCI image-spec's pre-defined annotation). */
  refName: 'org.opencontainers.image.ref.name',
} as const;

/** An OCI content descriptor. */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly platform?: { readonly architecture: string; readonly os: string };
}

/** A blob of the archive: bytes in memory, or a file already written. */
export type Blob = { readonly digest: string; readonly content: Buffer } | { readonly digest: string; readonly size: number; readonly file: string };

/** The digest `sha256:…` and size of `content`, as a descriptor of `mediaType`. */
export function describe(mediaType: string, content: Buffer): Descriptor {
  return { mediaType, digest: `sha256:${createHash('sha256').update(content).digest('hex')}`, size: content.length };
}

/** index.json: one descriptor of `manifest` per name, each carrying the name. */
export function indexFor(manifest: Descriptor, platform: { architecture: string; os: string }, names: readonly ImageReference[]): Buffer {
  const manifests = names.map((ref) => ({
    ...manifest,
    annotations: { [ANNOTATIONS.imageName]: ref.name, [ANNOTATIONS.refName]: ref.tag },
    platform,
  }));
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.index, manifests }));
}

function entry(pack: tar.Pack, headers: tar.Headers, content?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error | null) => (err ? reject(err) : resolve());
    if (content === undefined) pack.entry(headers, done);
    else pack.entry(headers, content, done);
  });
}

function fileEntry(pack: tar.Pack, headers: tar.Headers, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const sink = pack.entry(headers, (err) => (err ? reject(err) : resolve()));
    createReadStream(file).on('error', reject).pipe(sink);
  });
}

/**
 * Write the archive to `out` (through a temporary file renamed into place,
 * so a failed build leaves no half archive): the layout file, the index and
 * the blobs in digest order, all with fixed owners and mtimes.
 */
export async function writeArchive(out: string, index: Buffer, blobs: readonly Blob[]): Promise<void> {
  const tmp = `${out}.tmp-${process.pid}`;
  const pack = tar.pack();
  const written = pipeline(pack, createWriteStream(tmp));
  const base = { uid: 0, gid: 0, uname: '', gname: '', mtime: new Date(0) };
  try {
    await entry(pack, { ...base, name: 'oci-layout', type: 'file', mode: 0o644 }, Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })));
    await entry(pack, { ...base, name: 'index.json', type: 'file', mode: 0o644 }, index);
    await entry(pack, { ...base, name: 'blobs/', type: 'directory', mode: 0o755 });
    await entry(pack, { ...base, name: 'blobs/sha256/', type: 'directory', mode: 0o755 });
    const seen = new Set<string>();
    for (const blob of [...blobs].sort((a, b) => (a.digest < b.digest ? -1 : 1))) {
      if (seen.has(blob.digest)) continue;
      seen.add(blob.digest);
      const name = `blobs/sha256/${blob.digest.replace(/^sha256:/, '')}`;
      if ('content' in blob) await entry(pack, { ...base, name, type: 'file', mode: 0o644 }, blob.content);
      else await fileEntry(pack, { ...base, name, type: 'file', mode: 0o644, size: blob.size }, blob.file);
    }
    pack.finalize();
    await written;
    await rename(tmp, out);
  } catch (err) {
    pack.destroy(err as Error);
    await written.catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
}
