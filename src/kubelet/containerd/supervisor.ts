import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { discardLogger, type Logger } from '../../log.js';
import { criAddress, newCriClient } from '../cri/client.js';
import { RuntimeSetupError } from '../errors.js';
import { findExecutable, RUNTIME_APT_INSTALL } from './binaries.js';
import { containerdConfig, containerdPaths, DEFAULT_CNI_BIN_DIR, type ContainerdPaths } from './config.js';

/** Options of {@link startContainerd}. */
export interface StartContainerdOptions {
  /** The node's data dir; containerd lives in `DATA_DIR/containerd`. */
  readonly dataDir: string;
  /** Image of the pods' sandbox (pause) containers. */
  readonly sandboxImage: string;
  /** `--container-runtime-endpoint`: use this runtime and start none. */
  readonly endpoint?: string;
  /** containerd executable; default `containerd` on PATH. */
  readonly binary?: string;
  readonly cniBinDir?: string;
  readonly log?: Logger;
  /** How long one start may take before it counts as failed (default 60 s). */
  readonly startTimeoutMs?: number;
  /** SIGTERM → SIGKILL on stop (default 10 s). */
  readonly stopGraceMs?: number;
  /** First restart delay, doubled per crash (default 1 s). */
  readonly restartBackoffMs?: number;
  /** Cap of the restart delay (default 30 s). */
  readonly maxRestartBackoffMs?: number;
  /** Current time in ms (default `Date.now`). */
  readonly now?: () => number;
}

/** The node's container runtime, running until the signal given to {@link startContainerd} aborts. */
export interface ContainerdHandle {
  /** `unix:///…` CRI endpoint. */
  readonly endpoint: string;
  /** False when an existing endpoint was given and skiff runs no containerd. */
  readonly managed: boolean;
  /** Files of the managed containerd. */
  readonly paths: ContainerdPaths | undefined;
  /** PID of the running containerd, if any. */
  pid(): number | undefined;
  /** How many times containerd was restarted after dying. */
  restarts(): number;
  /** Settles once the signal aborted and containerd has exited. */
  readonly stopped: Promise<void>;
}

/** A containerd child process. */
interface Proc {
  readonly pid: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  running: boolean;
}

/** A run of containerd lasting this long resets the restart back-off. */
const STABLE_RUN_MS = 60_000;

/**
 * Start the node's containerd (or adopt `endpoint`), wait until its CRI
 * answers, and supervise it: restarted with doubling back-off when it dies,
 * stopped (SIGTERM, then SIGKILL after a grace period) when `signal` aborts.
 * Containers keep running across a containerd restart: their shims outlive it.
 *
 * @example
 * const runtime = await startContainerd({ dataDir, sandboxImage: 'docker.io/library/busybox:test' }, signal);
 * const cri = newCriClient(runtime.endpoint);
 * …; abort(); await runtime.stopped;
 */
export async function startContainerd(options: StartContainerdOptions, signal: AbortSignal): Promise<ContainerdHandle> {
  if (options.endpoint !== undefined) {
    const stopped = new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => { resolve(); }, { once: true });
    });
    return { endpoint: criAddress(options.endpoint), managed: false, paths: undefined, pid: () => undefined, restarts: () => 0, stopped };
  }
  const log = options.log ?? discardLogger;
  const binary = checkPrerequisites(options, log);
  const paths = containerdPaths(options.dataDir);
  prepare(paths, options);
  await stopLeftover(paths, options.stopGraceMs ?? 10_000, log);

  const now = options.now ?? Date.now;
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const graceMs = options.stopGraceMs ?? 10_000;
  const endpoint = criAddress(paths.socket);
  const state: { current: Proc | undefined; restarts: number } = { current: undefined, restarts: 0 };
  const onExit = (): void => { if (state.current?.running === true) process.kill(state.current.pid, 'SIGTERM'); };
  process.on('exit', onExit);

  const launch = async (): Promise<Proc> => {
    rmSync(paths.socket, { force: true });
    const logOffset = existsSync(paths.logFile) ? statSync(paths.logFile).size : 0;
    const out = openSync(paths.logFile, 'a');
    // Its own process group: a terminal's Ctrl-C reaches skiff, which then
    // stops containerd in order, rather than both at once.
    const child = spawn(binary, ['--config', paths.configFile], { stdio: ['ignore', out, out], detached: true });
    closeSync(out);
    const pid = child.pid;
    if (pid === undefined) {
      const err = await new Promise<Error>((resolve) => child.once('error', resolve));
      throw new RuntimeSetupError('RuntimeStartFailed', `cannot run ${binary}: ${err.message}`, { cause: err });
    }
    const proc: Proc = {
      pid,
      running: true,
      exited: new Promise((resolve) => child.once('exit', (code, sig) => { proc.running = false; resolve({ code, signal: sig }); })),
    };
    state.current = proc;
    writeFileSync(paths.pidFile, `${pid}\n`);
    const deadline = now() + startTimeoutMs;
    const cri = newCriClient(endpoint, { timeoutMs: 1000 });
    try {
      for (;;) {
        if (signal.aborted) throw signal.reason;
        if (!proc.running) {
          throw new RuntimeSetupError('RuntimeStartFailed', `containerd exited during start-up (log ${paths.logFile}):\n${tail(paths.logFile, logOffset)}`);
        }
        if (existsSync(paths.socket)) {
          try {
            await cri.version();
            return proc;
          } catch {
            // socket there but CRI not serving yet
          }
        }
        if (now() > deadline) {
          throw new RuntimeSetupError('RuntimeStartFailed', `containerd did not answer on ${paths.socket} within ${startTimeoutMs} ms (log ${paths.logFile}):\n${tail(paths.logFile, logOffset)}`);
        }
        await sleep(50);
      }
    } catch (err) {
      await terminate(proc, graceMs);
      throw err;
    } finally {
      cri.close();
    }
  };

  try {
    const first = await launch();
    log.info('containerd started', { pid: first.pid, socket: paths.socket });
  } catch (err) {
    process.off('exit', onExit);
    throw err;
  }

  const aborted = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => { resolve(); }, { once: true });
  });
  // A function, so that the compiler does not assume the flag unchanged across awaits.
  const stopping = (): boolean => signal.aborted;
  const supervise = async (): Promise<void> => {
    const initialBackoff = options.restartBackoffMs ?? 1000;
    const maxBackoff = options.maxRestartBackoffMs ?? 30_000;
    let backoff = initialBackoff;
    let startedAt = now();
    while (!signal.aborted) {
      const proc = state.current;
      if (proc?.running === true) {
        const exit = await Promise.race([proc.exited, aborted.then(() => undefined)]);
        if (exit === undefined) break;
        if (now() - startedAt >= STABLE_RUN_MS) backoff = initialBackoff;
        log.warn('containerd exited; restarting', { pid: proc.pid, code: exit.code, signal: exit.signal, inMs: backoff });
      }
      await sleep(backoff, undefined, { signal }).catch(() => undefined);
      if (stopping()) break;
      backoff = Math.min(backoff * 2, maxBackoff);
      try {
        const next = await launch();
        state.restarts++;
        startedAt = now();
        log.info('containerd restarted', { pid: next.pid, restarts: state.restarts });
      } catch (err) {
        if (stopping()) break;
        log.error('containerd restart failed', { err, retryInMs: backoff });
      }
    }
    if (state.current !== undefined) await terminate(state.current, graceMs);
    rmSync(paths.pidFile, { force: true });
    process.off('exit', onExit);
    log.info('containerd stopped');
  };

  return {
    endpoint,
    managed: true,
    paths,
    pid: () => (state.current?.running === true ? state.current.pid : undefined),
    restarts: () => state.restarts,
    stopped: supervise(),
  };
}

/** The containerd binary; throws a {@link RuntimeSetupError} saying how to get what is missing. */
function checkPrerequisites(options: StartContainerdOptions, log: Logger): string {
  const alternatives = 'or name a running runtime with --container-runtime-endpoint, or run without containers with --runtime fake';
  const binary = options.binary ?? findExecutable('containerd');
  if (binary === undefined || !existsSync(binary)) {
    throw new RuntimeSetupError('RuntimeNotInstalled', `containerd is not installed: install it with \`${RUNTIME_APT_INSTALL}\`, ${alternatives}`);
  }
  if (findExecutable('runc') === undefined) {
    throw new RuntimeSetupError('RuntimeNotInstalled', `runc is not installed (containerd runs containers with it): install it with \`${RUNTIME_APT_INSTALL}\`, ${alternatives}`);
  }
  if (process.getuid?.() !== 0) {
    throw new RuntimeSetupError('RuntimeNeedsRoot', `containerd must run as root: run skiff as root, ${alternatives}`);
  }
  const cniBinDir = options.cniBinDir ?? DEFAULT_CNI_BIN_DIR;
  if (!existsSync(`${cniBinDir}/bridge`)) {
    log.warn('CNI plugins not found: pods outside the host network will not start', { cniBinDir, install: RUNTIME_APT_INSTALL });
  }
  return binary;
}

/** Create the dirs and write the config (afresh on every start, so upgrades apply). */
function prepare(paths: ContainerdPaths, options: StartContainerdOptions): void {
  // A unix socket path is at most 107 bytes; containerd also listens on `SOCKET.ttrpc`.
  if (Buffer.byteLength(paths.socket) + '.ttrpc'.length > 107) {
    throw new RuntimeSetupError('RuntimeStartFailed', `data dir too deep: the socket path ${paths.socket} exceeds the 107 bytes a unix socket allows`);
  }
  for (const dir of [paths.dir, paths.root, paths.state]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  mkdirSync(paths.cniConfDir, { recursive: true, mode: 0o755 });
  mkdirSync(paths.registryConfigDir, { recursive: true, mode: 0o755 });
  const config = containerdConfig({ paths, sandboxImage: options.sandboxImage, ...(options.cniBinDir === undefined ? {} : { cniBinDir: options.cniBinDir }) });
  writeFileSync(paths.configFile, config, { mode: 0o600 });
}

/** Stop a containerd that a previous run (killed without clean-up) left on this data dir. */
async function stopLeftover(paths: ContainerdPaths, graceMs: number, log: Logger): Promise<void> {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(paths.pidFile, 'utf8'), 10);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !commandLineOf(pid).includes(paths.configFile)) return;
  log.warn('stopping the containerd a previous run left behind', { pid });
  const exited = (async () => { while (commandLineOf(pid).includes(paths.configFile)) await sleep(50); })();
  await terminatePid(pid, exited, graceMs);
}

/** `/proc/PID/cmdline` with spaces, or '' once the process is gone. */
function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

async function terminate(proc: Proc, graceMs: number): Promise<void> {
  if (!proc.running) return;
  await terminatePid(proc.pid, proc.exited.then(() => undefined), graceMs);
}

/** SIGTERM, then SIGKILL if `exited` has not settled after `graceMs`. */
async function terminatePid(pid: number, exited: Promise<void>, graceMs: number): Promise<void> {
  const signal = (sig: NodeJS.Signals): void => {
    try { process.kill(pid, sig); } catch { /* already gone */ }
  };
  signal('SIGTERM');
  const timer = new AbortController();
  const late = await Promise.race([exited.then(() => false), sleep(graceMs, true, { signal: timer.signal }).catch(() => false)]);
  timer.abort();
  if (late) {
    signal('SIGKILL');
    await exited;
  }
}

/** The log written since `offset`, at most its last 3000 bytes. */
function tail(file: string, offset: number): string {
  try {
    const size = statSync(file).size;
    const start = Math.max(offset, size - 3000);
    const buf = Buffer.alloc(size - start);
    const fd = openSync(file, 'r');
    try { readSync(fd, buf, 0, buf.length, start); } finally { closeSync(fd); }
    return buf.toString('utf8');
  } catch {
    return '';
  }
}
