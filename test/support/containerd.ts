import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** containerd and ctr of Debian's `containerd` package. */
export const CONTAINERD_BINARY = '/usr/bin/containerd';
export const CTR_BINARY = '/usr/bin/ctr';

/** A running throwaway containerd. */
export interface ContainerdProcess {
  /** Its gRPC socket, for `ctr --address`. */
  readonly address: string;
  readonly dir: string;
  /** Run ctr against this containerd; resolves to its stdout. */
  ctr(...args: string[]): Promise<string>;
  /** Stop containerd and the shims it started (by PID), unmount what is left under its dir and remove the dir. */
  stop(): Promise<void>;
}

/**
 * Why a real containerd cannot run here, or undefined when it can: the
 * binaries are missing, or this is not root (overlayfs and runc need it).
 */
export function containerdMissing(): string | undefined {
  if (!existsSync(CONTAINERD_BINARY) || !existsSync(CTR_BINARY)) {
    return `${CONTAINERD_BINARY} or ${CTR_BINARY} not found: run \`apt-get install containerd runc busybox-static\``;
  }
  if (process.getuid?.() !== 0) return 'containerd needs root (overlayfs snapshots, runc)';
  return undefined;
}

// Only what the tests need: own root, state and sockets under the temp dir,
// and no CRI plugin (it would want CNI set-up and is not under test here).
function config(dir: string): string {
  return [
    'version = 2',
    `root = "${dir}/root"`,
    `state = "${dir}/state"`,
    'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    '[grpc]',
    `  address = "${dir}/containerd.sock"`,
    '[ttrpc]',
    `  address = "${dir}/containerd.sock.ttrpc"`,
    '[debug]',
    `  address = "${dir}/debug.sock"`,
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = "${dir}/opt"`,
    '',
  ].join('\n');
}

/** PIDs of the runc shims serving the containerd at `address` (they outlive a killed containerd). */
function shimPids(address: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if ((argv[0] ?? '').includes('containerd-shim') && argv.includes(address)) pids.push(Number(name));
    } catch {
      // the process ended meanwhile
    }
  }
  return pids;
}

/** Mount points under `dir`, deepest first. */
function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((m) => m.startsWith(dir + '/'))
    .sort((a, b) => b.length - a.length);
}

/**
 * Start a containerd of its own in a temp dir and wait until it answers;
 * it is stopped by PID in every outcome (`stop`, a failed start, or this
 * process exiting).
 *
 * @example
 * const containerd = await startContainerd();
 * try { await containerd.ctr('-n', 'k8s.io', 'images', 'ls'); } finally { await containerd.stop(); }
 */
export async function startContainerd(): Promise<ContainerdProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-containerd-'));
  const address = join(dir, 'containerd.sock');
  writeFileSync(join(dir, 'config.toml'), config(dir));
  const child = spawn(CONTAINERD_BINARY, ['--config', join(dir, 'config.toml'), '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => { output = (output + chunk.toString()).slice(-4000); });
  const state = { running: true };
  const exited = new Promise<void>((resolve) => child.once('exit', () => { state.running = false; resolve(); }));
  const killNow = () => {
    if (state.running && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    for (const pid of shimPids(address)) process.kill(pid, 'SIGKILL');
  };
  process.once('exit', killNow);
  const ctr = async (...args: string[]) => (await run(CTR_BINARY, ['--address', address, ...args], { encoding: 'utf8' })).stdout;
  const stop = async () => {
    process.off('exit', killNow);
    if (state.running && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      if (!(await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]))) process.kill(child.pid, 'SIGKILL');
      await exited;
    }
    for (const pid of shimPids(address)) process.kill(pid, 'SIGKILL');
    for (const mount of mountsUnder(dir)) await run('umount', ['-l', mount]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let attempt = 0; ; attempt++) {
      if (!state.running) throw new Error(`containerd exited during start-up:\n${output}`);
      if (existsSync(address) && (await ctr('version').then(() => true, () => false))) break;
      if (attempt > 300) throw new Error(`containerd did not answer on ${address}:\n${output}`);
      await sleep(100);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, dir, ctr, stop };
}
