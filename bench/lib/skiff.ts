import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { skiffBin, startSkiff } from '../../test/support/skiff.js';

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

/** A /proc/PID/status field in kB (VmRSS, VmHWM), or NaN. */
function statusKB(pid: number, field: string): number {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return m?.[1] === undefined ? Number.NaN : Number(m[1]);
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
