// `skiff image build`: a one-layer OCI image from a directory or from host
// binaries, written as an OCI archive that `skiff image import` (or `ctr
// images import`, `docker load`) reads.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, indexFor, MEDIA_TYPES, writeArchive, type Descriptor } from './archive.js';
import { ImageError } from './errors.js';
import { LAYER_MEDIA_TYPE, writeLayer } from './layer.js';
import { parseReference, type ImageReference } from './reference.js';
import { addBinary, addBusyboxLinks, addDirectory, addFile, isBusybox } from './sources.js';
import { Tree } from './tree.js';

/** The PATH docker's official images set, used when `env` has none. */
export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** How a container from the image runs (the OCI config's `config`). */
export interface RunConfig {
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  /** `KEY=VALUE`; a PATH is added when none is given. */
  readonly env?: readonly string[];
  readonly workdir?: string;
  /** `80`, `80/tcp` or `53/udp`. */
  readonly expose?: readonly string[];
  readonly user?: string;
}

/** What {@link buildImage} builds. */
export interface BuildOptions {
  /** Names of the image, e.g. `busybox:latest` (normalised to `docker.io/library/busybox:latest`); at least one. */
  readonly tags: readonly string[];
  /** Path of the OCI archive to write. */
  readonly output: string;
  /** A host directory whose tree is the root filesystem. */
  readonly fromDir?: string;
  /** Absolute paths of host binaries, added with their shared libraries. */
  readonly binaries?: readonly string[];
  /** Host files or directories to add, `dest` being the path in the image. */
  readonly files?: readonly { readonly source: string; readonly dest: string }[];
  /** Symlinks to add: `path` in the image pointing at `target`. */
  readonly symlinks?: readonly { readonly path: string; readonly target: string }[];
  /** Add applet links for binaries named busybox (default true). */
  readonly busyboxLinks?: boolean;
  readonly config?: RunConfig;
  /** OCI architecture; default: this machine's. */
  readonly architecture?: string;
}

/** What {@link buildImage} wrote. */
export interface BuiltImage {
  /** Full names, e.g. `docker.io/library/busybox:latest`. */
  readonly names: readonly string[];
  readonly manifest: Descriptor;
  readonly config: Descriptor;
  readonly layer: Descriptor & { readonly diffId: string };
  /** Entries in the layer. */
  readonly entries: number;
  /** Bytes of the archive written. */
  readonly archiveSize: number;
}

const ARCHITECTURES: Readonly<Partial<Record<string, string>>> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

/** The OCI architecture of this machine (`amd64` on x86_64, `arm64` on aarch64). */
export function hostArchitecture(arch: string = process.arch): string {
  const oci = ARCHITECTURES[arch];
  if (oci === undefined) throw new ImageError('UnsupportedArchitecture', `no OCI architecture known for node's ${JSON.stringify(arch)}`);
  return oci;
}

/** The OCI config's `config` object; its keys are in a fixed order so equal inputs give equal digests. */
export function runConfig(c: RunConfig): Record<string, unknown> {
  const env = [...(c.env ?? [])];
  for (const e of env) if (!/^[^=]+=/.test(e)) throw new ImageError('InvalidSource', `env ${JSON.stringify(e)}: want KEY=VALUE`);
  if (!env.some((e) => e.startsWith('PATH='))) env.unshift(DEFAULT_PATH);
  const ports: Record<string, object> = {};
  for (const p of c.expose ?? []) {
    const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/.exec(p);
    if (m === null || Number(m[1]) < 1 || Number(m[1]) > 65535) throw new ImageError('InvalidSource', `expose ${JSON.stringify(p)}: want PORT or PORT/tcp|udp|sctp`);
    ports[`${Number(m[1])}/${m[2] ?? 'tcp'}`] = {};
  }
  return {
    ...(c.user !== undefined ? { User: c.user } : {}),
    ...(Object.keys(ports).length > 0 ? { ExposedPorts: ports } : {}),
    Env: env,
    ...(c.entrypoint !== undefined ? { Entrypoint: [...c.entrypoint] } : {}),
    ...(c.cmd !== undefined ? { Cmd: [...c.cmd] } : {}),
    ...(c.workdir !== undefined ? { WorkingDir: c.workdir } : {}),
  };
}

// Accounts that binaries commonly look up by name (Debian's base-passwd
// numbers): runc resolves a `User` name from the image's /etc/passwd, and
// nginx runs its workers as www-data.
const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n';
const GROUP = 'root:x:0:\nwww-data:x:33:\nnogroup:x:65534:\n';

/** The root filesystem from every source, later ones overriding earlier ones; and the default command. */
async function collect(o: BuildOptions): Promise<{ tree: Tree; defaultCmd?: string[] }> {
  const tree = new Tree();
  const binaries = o.binaries ?? [];
  if (o.fromDir !== undefined) await addDirectory(tree, o.fromDir, '/');
  else if (binaries.length > 0) {
    tree.add({ type: 'file', path: 'etc/passwd', mode: 0o644, content: Buffer.from(PASSWD) });
    tree.add({ type: 'file', path: 'etc/group', mode: 0o644, content: Buffer.from(GROUP) });
    tree.add({ type: 'directory', path: 'tmp', mode: 0o1777 });
  }
  for (const binary of binaries) await addBinary(tree, binary);
  let busybox = false;
  if (o.busyboxLinks !== false) {
    for (const binary of binaries) {
      if (!(await isBusybox(binary))) continue;
      busybox = true;
      await addBusyboxLinks(tree, binary);
    }
  }
  for (const f of o.files ?? []) await addFile(tree, f.source, f.dest);
  for (const s of o.symlinks ?? []) tree.add({ type: 'symlink', path: s.path, target: s.target });
  if (tree.entries().length === 0) throw new ImageError('InvalidSource', 'the image would be empty: give --from-dir, --binary or --file');
  // As docker's busybox image runs sh; an image of one binary runs that binary.
  const first = binaries[0];
  const defaultCmd = busybox ? ['sh'] : binaries.length === 1 && first !== undefined ? [first] : undefined;
  return defaultCmd === undefined ? { tree } : { tree, defaultCmd };
}

/**
 * Build a one-layer image and write it as an OCI archive to `o.output`.
 * The same inputs give byte-identical archives.
 *
 * @example
 * await buildImage({ tags: ['busybox:latest'], binaries: ['/bin/busybox'], output: 'busybox.tar' });
 */
export async function buildImage(o: BuildOptions): Promise<BuiltImage> {
  if (o.tags.length === 0) throw new ImageError('InvalidReference', 'give the image at least one name (--tag)');
  const refs: ImageReference[] = o.tags.map(parseReference);
  const architecture = o.architecture ?? hostArchitecture();
  const { tree, defaultCmd } = await collect(o);
  const c = o.config ?? {};
  const run = runConfig(c.cmd === undefined && c.entrypoint === undefined && defaultCmd !== undefined ? { ...c, cmd: defaultCmd } : c);
  const entries = tree.entries();
  const work = await mkdtemp(join(tmpdir(), 'skiff-image-'));
  try {
    const layer = await writeLayer(entries, join(work, 'layer.tar.gz'));
    const configJSON = Buffer.from(
      JSON.stringify({
        architecture,
        os: 'linux',
        config: run,
        rootfs: { type: 'layers', diff_ids: [layer.diffId] },
        history: [{ created_by: 'skiff image build' }],
      }),
    );
    const config = describe(MEDIA_TYPES.config, configJSON);
    const layerDescriptor = { mediaType: LAYER_MEDIA_TYPE, digest: layer.digest, size: layer.size };
    const manifestJSON = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.manifest, config, layers: [layerDescriptor] }));
    const manifest = describe(MEDIA_TYPES.manifest, manifestJSON);
    const unique = [...new Map(refs.map((r) => [r.name, r])).values()];
    const index = indexFor(manifest, { architecture, os: 'linux' }, unique);
    await writeArchive(o.output, index, [
      { digest: config.digest, content: configJSON },
      { digest: manifest.digest, content: manifestJSON },
      { digest: layer.digest, size: layer.size, file: layer.file },
    ]);
    return {
      names: unique.map((r) => r.name),
      manifest,
      config,
      layer: { ...layerDescriptor, diffId: layer.diffId },
      entries: entries.length,
      archiveSize: (await stat(o.output)).size,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
