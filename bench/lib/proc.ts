import { readFileSync } from 'node:fs';

/** A /proc/PID/status field in kB (VmRSS, VmHWM), or NaN (the process is gone). */
export function statusKB(pid: number, field: string): number {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return Number.NaN;
  }
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return m?.[1] === undefined ? Number.NaN : Number(m[1]);
}

/** Resident memory of a process now and at its peak, in MB. */
export interface Memory {
  readonly rssMB: number;
  readonly hwmMB: number;
}

/** VmRSS and VmHWM of `pid` (NaN if it is gone). */
export function memoryOf(pid: number): Memory {
  return { rssMB: statusKB(pid, 'VmRSS') / 1024, hwmMB: statusKB(pid, 'VmHWM') / 1024 };
}

/** Clock ticks per second of /proc/PID/stat times (USER_HZ; 100 on every Linux this runs on). */
const USER_HZ = 100;

/** CPU seconds `pid` has used so far, user and system (NaN if it is gone). */
export function cpuSecondsOf(pid: number): number {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return Number.NaN;
  }
  // Fields after the command name (which may hold spaces) start after its closing parenthesis; utime and stime are the 14th and 15th fields.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}
