import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Debian's busybox-static: one statically linked binary, enough for a test image. */
export const BUSYBOX = '/bin/busybox';

/** Name of the test image {@link buildBusyboxImage} writes by default. */
export const BUSYBOX_TEST_IMAGE = 'docker.io/library/busybox:test';

/** One entry of a tar layer. */
export type TarEntry =
  | { readonly type: 'file'; readonly path: string; readonly data: Buffer; readonly mode?: number }
  | { readonly type: 'dir'; readonly path: string; readonly mode?: number }
  | { readonly type: 'symlink'; readonly path: string; readonly target: string };

/** A plain ustar archive of `entries`, in order (parents before children). */
export function tarArchive(entries: readonly TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const header = Buffer.alloc(512);
    const data = e.type === 'file' ? e.data : Buffer.alloc(0);
    const field = (offset: number, length: number, value: string) => { header.write(value, offset, length, 'utf8'); };
    const octal = (offset: number, length: number, n: number) => { field(offset, length, n.toString(8).padStart(length - 1, '0') + '\0'); };
    const name = e.type === 'dir' ? `${e.path}/` : e.path;
    if (Buffer.byteLength(name) > 100) throw new Error(`tar path too long for ustar: ${name}`);
    field(0, 100, name);
    octal(100, 8, e.type === 'symlink' ? 0o777 : (e.mode ?? (e.type === 'dir' ? 0o755 : 0o644)));
    octal(108, 8, 0);
    octal(116, 8, 0);
    octal(124, 12, data.length);
    octal(136, 12, 0);
    field(156, 1, e.type === 'file' ? '0' : e.type === 'symlink' ? '2' : '5');
    if (e.type === 'symlink') field(157, 100, e.target);
    field(257, 6, 'ustar\0');
    field(263, 2, '00');
    // The checksum counts its own field as spaces.
    field(148, 8, '        ');
    let sum = 0;
    for (const byte of header) sum += byte;
    field(148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** Options of {@link buildBusyboxImage}. */
export interface BusyboxImageOptions {
  /** Full image name (`io.containerd.image.name`); default {@link BUSYBOX_TEST_IMAGE}. */
  readonly name?: string;
  /** The image config's Cmd; default `sleep` forever, which also makes it a sandbox (pause) image. */
  readonly cmd?: readonly string[];
  /** busybox applets linked in /bin (default: every applet it has, as a busybox image). */
  readonly applets?: readonly string[];
}

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const ociArch = (): string => ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' })[process.arch as string] ?? process.arch;

/** The applets of the host's busybox-static (`busybox --list`), less the one named busybox. */
function busyboxApplets(): string[] {
  const listed = spawnSync(BUSYBOX, ['--list'], { encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`${BUSYBOX} --list failed: ${listed.stderr}`);
  return listed.stdout.split('\n').filter((a) => /^[\w.[-]+$/.test(a) && a !== 'busybox');
}

/** The blobs of the one-layer busybox test image: its layer, config and manifest, with the manifest's digest. */
export interface BusyboxImage {
  readonly platform: { readonly architecture: string; readonly os: string };
  readonly layer: Buffer;
  readonly config: Buffer;
  readonly manifest: Buffer;
  /** `sha256:…` of each blob. */
  digest(blob: Buffer): string;
}

/**
 * The one-layer image holding /bin/busybox and its applet links, as blobs
 * (an OCI manifest, its config and an uncompressed layer), for an archive
 * or a registry push. Needs busybox-static.
 */
export function busyboxImage(options: Omit<BusyboxImageOptions, 'name'> = {}): BusyboxImage {
  if (!existsSync(BUSYBOX)) {
    throw new Error(`${BUSYBOX} not found: the test image is built from Debian's busybox-static; run \`apt-get install busybox-static\``);
  }
  const applets = options.applets ?? busyboxApplets();
  const layer = tarArchive([
    ...['bin', 'dev', 'etc', 'proc', 'root', 'sys', 'var'].map((path) => ({ type: 'dir' as const, path })),
    { type: 'dir', path: 'tmp', mode: 0o1777 },
    { type: 'file', path: 'bin/busybox', data: readFileSync(BUSYBOX), mode: 0o755 },
    ...applets.map((a) => ({ type: 'symlink' as const, path: `bin/${a}`, target: 'busybox' })),
  ]);
  const platform = { architecture: ociArch(), os: 'linux' };
  const config = Buffer.from(JSON.stringify({
    ...platform,
    config: { Env: ['PATH=/bin'], Cmd: options.cmd ?? ['/bin/sleep', '2147483647'] },
    rootfs: { type: 'layers', diff_ids: [sha256(layer)] },
  }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length }],
  }));
  return { platform, layer, config, manifest, digest: sha256 };
}

/**
 * Write an OCI image-layout archive (as `ctr images import` reads it) of
 * {@link busyboxImage}, named through the index's
 * `io.containerd.image.name` annotation. Needs busybox-static.
 */
export function buildBusyboxImage(file: string, options: BusyboxImageOptions = {}): string {
  const name = options.name ?? BUSYBOX_TEST_IMAGE;
  const { platform, layer, config, manifest } = busyboxImage(options);
  const index = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{
      mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: manifest.length, platform,
      annotations: { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': name.slice(name.lastIndexOf(':') + 1) },
    }],
  }));
  const blob = (b: Buffer): TarEntry => ({ type: 'file', path: `blobs/sha256/${sha256(b).slice('sha256:'.length)}`, data: b });
  writeFileSync(file, tarArchive([
    { type: 'file', path: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
    { type: 'file', path: 'index.json', data: index },
    { type: 'dir', path: 'blobs' },
    { type: 'dir', path: 'blobs/sha256' },
    blob(layer), blob(config), blob(manifest),
  ]));
  return file;
}

/** Import an image archive into the `k8s.io` namespace (CRI's) of the containerd at `socket`, as `skiff image import` will. */
export function importImage(socket: string, file: string): void {
  const r = spawnSync('ctr', ['--address', socket, '--namespace', 'k8s.io', 'images', 'import', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ctr images import ${file} failed (${r.status ?? r.signal}): ${r.stderr || r.error?.message || ''}`);
}
