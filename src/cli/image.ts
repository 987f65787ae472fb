// `skiff image build|import`: one-shot commands (no role to supervise), so
// they run to completion and resolve to the exit code.
import { homedir } from 'node:os';
import { relative } from 'node:path';
import { buildImage, importImages, isImageError } from '../image/index.js';
import { FlagError, formatFlags, parseFlags } from './flags.js';
import { expandShortOutput, imageBuildFlags, imageBuildOptions, imageImportFlags, imageImportOptions, type ImageEnv } from './image-flags.js';

const USAGE = `Usage:
  skiff image build --tag NAME [--from-dir DIR] [--binary PATH…] [--file SRC:DEST…] -o FILE
  skiff image import [--data-dir DIR | --address SOCKET] FILE.tar…

Images without a registry: build OCI archives from host files, and load
archives into a node's containerd.

Run 'skiff image build --help' or 'skiff image import --help' for their flags.`;

const env = (): ImageEnv => ({ uid: process.getuid?.() ?? -1, home: homedir(), cwd: process.cwd() });

function usageError(sub: string, err: unknown): number {
  if (!(err instanceof FlagError)) throw err;
  process.stderr.write(`skiff image ${sub}: ${err.message}\nRun 'skiff image ${sub} --help' for usage.\n`);
  return 2;
}

function failure(sub: string, err: unknown): number {
  if (!isImageError(err)) throw err;
  process.stderr.write(`skiff image ${sub}: ${err.message}\n`);
  return 1;
}

async function build(argv: readonly string[]): Promise<number> {
  let options;
  try {
    const parsed = parseFlags(imageBuildFlags, expandShortOutput(argv));
    if (parsed.help) {
      process.stdout.write(`Usage:\n  skiff image build --tag NAME [sources] [config] -o FILE\n\nBuild a one-layer OCI image from a directory or from host binaries with their\nshared libraries, and write it as an OCI archive.\n\nFlags:\n${formatFlags(imageBuildFlags)}\n`);
      return 0;
    }
    if (parsed.args.length > 0) throw new FlagError('InvalidValue', '', `unexpected argument ${JSON.stringify(parsed.args[0])}`);
    options = imageBuildOptions(parsed.values, env());
  } catch (err) {
    return usageError('build', err);
  }
  try {
    const started = performance.now();
    const built = await buildImage(options);
    const ms = Math.round(performance.now() - started);
    const mib = (built.archiveSize / 1048576).toFixed(1);
    process.stdout.write(`${built.names.join(' ')} ${built.manifest.digest}: ${built.entries} entries, ${mib} MiB → ${relative(process.cwd(), options.output) || options.output} in ${ms} ms\n`);
    return 0;
  } catch (err) {
    return failure('build', err);
  }
}

async function importArchives(argv: readonly string[]): Promise<number> {
  let options;
  try {
    const parsed = parseFlags(imageImportFlags, argv);
    if (parsed.help) {
      process.stdout.write(`Usage:\n  skiff image import [flags] FILE.tar…\n\nLoad OCI or docker archives into the containerd of the node whose data dir is\nDIR (namespace k8s.io, where the kubelet's CRI sees them), keeping their names.\n\nFlags:\n${formatFlags(imageImportFlags)}\n`);
      return 0;
    }
    options = imageImportOptions(parsed.values, parsed.args, env());
  } catch (err) {
    return usageError('import', err);
  }
  try {
    for (const archive of await importImages(options)) process.stdout.write(archive.output);
    return 0;
  } catch (err) {
    return failure('import', err);
  }
}

/** Run `skiff image SUBCOMMAND …`; resolves to the exit code. */
export async function runImage(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'build') return build(rest);
  if (sub === 'import') return importArchives(rest);
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(USAGE + '\n');
    return sub === undefined ? 2 : 0;
  }
  process.stderr.write(`skiff image: unknown subcommand ${JSON.stringify(sub)}\n${USAGE}\n`);
  return 2;
}
