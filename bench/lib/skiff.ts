import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { skiffBin, startSkiff } from '../../test/support/skiff.js';
import { statusKB } from './proc.js';

/** What {@link measureServer} found. */
export interface ServerFigures {
  readonly args: readonly string[];
  /** From spawn to DIR/kubeconfig.yaml appearing, on an empty data dir. */
  readonly readyMs: number;
  readonly idleWaitMs: number;
  /** VmRSS after the idle wait. */
  readonly idleRssMB: number;
  /** VmHWM (peak RSS) at the same moment. */
  readonly peakRssMB: number;
}

/**
 * Start `skiff server` on an empty temp data dir and a free port, time it to
 * ready (DIR/kubeconfig.yaml), let it idle, read its RSS; always stop it by
 * PID and remove the data dir.
 */
export async function measureServer(idleWaitMs = 3000, readyTimeoutMs = 60_000): Promise<ServerFigures> {
  const skiff = await startSkiff({ timeoutMs: readyTimeoutMs });
  try {
    await sleep(idleWaitMs);
    const pid = skiff.child.pid;
    if (pid === undefined || skiff.child.exitCode !== null) throw new Error(`skiff server exited while idle:\n${skiff.logs()}`);
    return {
      args: [skiffBin, ...skiff.child.spawnargs.slice(2)],
      readyMs: skiff.readyMs,
      idleWaitMs,
      idleRssMB: statusKB(pid, 'VmRSS') / 1024,
      peakRssMB: statusKB(pid, 'VmHWM') / 1024,
    };
  } finally {
    await skiff.cleanup();
  }
}

/** A `skiff hollow` process started by a benchmark. */
export interface HollowProcess {
  readonly child: ChildProcess;
  /** The last lines it printed to stderr. */
  logs(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (or signal name). */
  stop(graceMs?: number): Promise<number | string>;
}

/** Lines of a child's stderr kept for error messages (a long run prints far more). */
const KEPT_LINES = 200;

/**
 * Start `bin/skiff hollow ARGS` (`nodeArgs` go to node itself). It is
 * killed if this process exits first; callers stop it by PID with `stop`.
 */
export function startHollow(args: readonly string[], nodeArgs: readonly string[] = []): HollowProcess {
  const child = spawn(process.execPath, [...nodeArgs, skiffBin, 'hollow', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const killNow = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killNow);
  child.once('exit', () => process.off('exit', killNow));
  const lines: string[] = [];
  let partial = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    const parts = (partial + d).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    if (lines.length > KEPT_LINES) lines.splice(0, lines.length - KEPT_LINES);
  });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, sig) => resolve(code ?? sig ?? -1)));
  return {
    child,
    logs: () => [...lines, partial].join('\n'),
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode ?? child.signalCode ?? -1;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const r = await exited;
      clearTimeout(timer);
      return r;
    },
  };
}
