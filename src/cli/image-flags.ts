import { join, resolve } from 'node:path';
import type { BuildOptions, ImportOptions } from '../image/index.js';
import { containerdSocket, K8S_NAMESPACE } from '../image/index.js';
import { FlagError, type FlagSpecs, type FlagValues } from './flags.js';
import { invalid } from './server-flags.js';

/** Flags of `skiff image build` (docker's names for the image config). */
export const imageBuildFlags = {
  tag: { type: 'list', placeholder: 'NAME', description: 'name of the image, e.g. busybox:latest (docker.io/library/busybox:latest)' },
  output: { type: 'string', placeholder: 'FILE', description: 'OCI archive to write (also -o FILE)' },
  'from-dir': { type: 'string', placeholder: 'DIR', description: "a directory whose tree is the image's root filesystem" },
  binary: { type: 'list', placeholder: 'PATH', description: 'a host binary, added at its path with the shared libraries ldd lists' },
  file: { type: 'list', placeholder: 'SRC[:DEST]', description: 'a host file or directory, added at DEST (default: the same path)' },
  symlink: { type: 'list', placeholder: 'PATH:TARGET', description: 'a symlink at PATH in the image pointing at TARGET' },
  'busybox-links': { type: 'boolean', default: true, description: 'add applet links (bin/sh, bin/ls, …) for a busybox binary' },
  entrypoint: { type: 'string', placeholder: 'ARGS', description: 'entrypoint: a JSON array, or words split at spaces' },
  cmd: { type: 'string', placeholder: 'ARGS', description: 'command: a JSON array, or words split at spaces', defaultText: 'sh for busybox, else a single --binary' },
  env: { type: 'list', placeholder: 'KEY=VALUE', description: 'environment variable', defaultText: "docker's PATH" },
  workdir: { type: 'string', placeholder: 'DIR', description: 'working directory' },
  expose: { type: 'list', placeholder: 'PORT[/PROTO]', description: 'port the image listens on' },
  user: { type: 'string', placeholder: 'USER[:GROUP]', description: 'user the container runs as' },
} as const satisfies FlagSpecs;

/** Flags of `skiff image import`. */
export const imageImportFlags = {
  'data-dir': {
    type: 'string',
    placeholder: 'DIR',
    description: 'data dir of the node whose containerd gets the images (its socket: DIR/containerd/containerd.sock)',
    defaultText: '/var/lib/skiff as root, ~/.skiff otherwise',
  },
  address: { type: 'string', placeholder: 'SOCKET', description: "another containerd's socket instead of the node's" },
  namespace: { type: 'string', placeholder: 'NS', default: K8S_NAMESPACE, description: 'containerd namespace (the CRI plugin reads k8s.io)' },
} as const satisfies FlagSpecs;

/** What defaults and relative paths depend on. */
export interface ImageEnv {
  readonly uid: number;
  readonly home: string;
  readonly cwd: string;
}

/** `-o FILE` and `-o=FILE` as `--output` (docker's and ctr's short flag), since parseFlags knows only long flags. */
export function expandShortOutput(argv: readonly string[]): string[] {
  return argv.map((a) => (a === '-o' ? '--output' : a.startsWith('-o=') ? `--output=${a.slice(3)}` : a));
}

/** A JSON array of strings, or words split at spaces. */
export function parseArgs(flag: string, text: string): string[] {
  if (!text.trimStart().startsWith('[')) return text.split(/\s+/).filter((w) => w !== '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid(flag, text, 'want a JSON array of strings');
  }
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) throw invalid(flag, text, 'want a JSON array of strings');
  return parsed;
}

function splitPair(flag: string, text: string, optionalSecond: boolean): [string, string] {
  const colon = text.indexOf(':');
  if (colon < 0) {
    if (optionalSecond) return [text, text];
    throw invalid(flag, text, 'want two parts separated by ":"');
  }
  const first = text.slice(0, colon);
  const second = text.slice(colon + 1);
  if (first === '' || second === '') throw invalid(flag, text, 'want two non-empty parts separated by ":"');
  return [first, second];
}

/** Check the flags of `skiff image build` and resolve host paths against the working directory. */
export function imageBuildOptions(values: FlagValues<typeof imageBuildFlags>, env: ImageEnv): BuildOptions {
  const tags = values.tag ?? [];
  if (tags.length === 0) throw new FlagError('MissingValue', 'tag', '--tag NAME is required');
  if (values.output === undefined) throw new FlagError('MissingValue', 'output', '-o/--output FILE is required');
  const binaries = values.binary ?? [];
  for (const b of binaries) if (!b.startsWith('/')) throw invalid('binary', b, 'want an absolute path (it is also the path in the image)');
  const files = (values.file ?? []).map((f) => {
    const [source, dest] = splitPair('file', f, true);
    if (!dest.startsWith('/')) throw invalid('file', f, 'want an absolute DEST (or an absolute SRC without DEST)');
    return { source: resolve(env.cwd, source), dest };
  });
  const symlinks = (values.symlink ?? []).map((s) => {
    const [path, target] = splitPair('symlink', s, false);
    return { path, target };
  });
  if (values['from-dir'] === undefined && binaries.length === 0 && files.length === 0) {
    throw new FlagError('MissingValue', 'from-dir', 'give what the image holds: --from-dir DIR, --binary PATH or --file SRC:DEST');
  }
  return {
    tags,
    output: resolve(env.cwd, values.output),
    ...(values['from-dir'] !== undefined ? { fromDir: resolve(env.cwd, values['from-dir']) } : {}),
    binaries,
    files,
    symlinks,
    busyboxLinks: values['busybox-links'] ?? true,
    config: {
      ...(values.entrypoint !== undefined ? { entrypoint: parseArgs('entrypoint', values.entrypoint) } : {}),
      ...(values.cmd !== undefined ? { cmd: parseArgs('cmd', values.cmd) } : {}),
      env: values.env ?? [],
      ...(values.workdir !== undefined ? { workdir: values.workdir } : {}),
      expose: values.expose ?? [],
      ...(values.user !== undefined ? { user: values.user } : {}),
    },
  };
}

/** Check the flags of `skiff image import`: the archives, and the socket of `--address` or of the node's data dir. */
export function imageImportOptions(values: FlagValues<typeof imageImportFlags>, args: readonly string[], env: ImageEnv): ImportOptions {
  if (args.length === 0) throw new FlagError('MissingValue', '', 'give the archives to import: skiff image import [flags] FILE.tar…');
  const files = args.map((a) => resolve(env.cwd, a));
  const namespace = values.namespace ?? K8S_NAMESPACE;
  if (values.address !== undefined) return { address: resolve(env.cwd, values.address), files, namespace };
  const dataDir = resolve(env.cwd, values['data-dir'] ?? (env.uid === 0 ? '/var/lib/skiff' : join(env.home, '.skiff')));
  return {
    address: containerdSocket(dataDir),
    files,
    namespace,
    hint: `is \`skiff server\`/\`skiff agent\` running with --data-dir ${dataDir}?`,
  };
}
