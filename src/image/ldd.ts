// The shared libraries a dynamic binary needs, as the host's `ldd` resolves
// them (which also names the dynamic loader). Libraries loaded later with
// dlopen are not listed; add them with --file.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ImageError } from './errors.js';

const run = promisify(execFile);

/**
 * The absolute paths in `ldd` output, in order: `name => /path (addr)` and
 * the loader's `/path (addr)`; the vDSO has no file. A library that is
 * `not found` throws MissingLibrary; a static binary has none.
 */
export function parseLdd(binary: string, output: string): string[] {
  const paths: string[] = [];
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    if (line === '' || /not a dynamic executable|statically linked/.test(line)) continue;
    const arrow = /^(\S+) => (.*?)(?: \(0x[0-9a-f]+\))?$/.exec(line);
    if (arrow !== null) {
      const target = arrow[2] ?? '';
      if (target === 'not found') throw new ImageError('MissingLibrary', `${binary} needs ${arrow[1] ?? '?'}, which ldd does not find on this machine`);
      if (target.startsWith('/')) paths.push(target);
      continue;
    }
    const direct = /^(\/\S+) \(0x[0-9a-f]+\)$/.exec(line);
    if (direct?.[1] !== undefined) paths.push(direct[1]);
  }
  return [...new Set(paths)];
}

/** The libraries (and loader) `binary` loads, from `ldd`; none for a static binary. */
export async function sharedLibraries(binary: string): Promise<string[]> {
  let output: string;
  try {
    output = (await run('ldd', [binary], { encoding: 'utf8' })).stdout;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') throw new ImageError('MissingLibrary', 'ldd not found: install libc-bin (it lists the shared libraries of binaries)', { cause: err });
    // ldd exits 1 on a static binary, saying so.
    const text = `${e.stdout ?? ''}${e.stderr ?? ''}`;
    if (/not a dynamic executable|statically linked/.test(text)) return [];
    throw new ImageError('InvalidSource', `ldd ${binary} failed: ${text.trim() || e.message}`, { cause: err });
  }
  return parseLdd(binary, output);
}
