/**
 * When containerd served each pod's RunPodSandbox, CreateContainer and
 * StartContainer, read from its log: the CRI plugin logs each of them at
 * info level when it starts and when it returns, with nanosecond
 * timestamps. It shows where a pod's start time goes without instrumenting
 * the kubelet: the gaps between these calls are the kubelet's own work.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** Epoch milliseconds (fractional) of one pod's CRI calls as containerd logged them; absent until seen. */
export interface CriTimes {
  sandboxId?: string;
  runPodSandbox?: { start: number; end?: number };
  createContainer?: { start: number; end?: number };
  startContainer?: { start: number; end?: number };
}

/** The size of `file` now: pass it to {@link readCriTimes} to read only what came after. */
export const logOffset = (file: string): number => statSync(file).size;

/** `2026-12-05T16:13:19.081480888Z` → epoch ms with the sub-millisecond part. */
export function epochMs(rfc3339: string): number {
  const m = /^(.{19})(?:\.(\d+))?Z$/.exec(rfc3339);
  if (!m?.[1]) return Number.NaN;
  return Date.parse(`${m[1]}Z`) + (m[2] ? Number(`0.${m[2]}`) * 1000 : 0);
}

const LINE = /^time="([^"]+)" level=info msg="(.*)"$/;
const SANDBOX = /^RunPodSandbox for &PodSandboxMetadata\{Name:([^,]*),Uid:[^,]*,Namespace:([^,]*),Attempt:\d+,\}(?: returns sandbox id \\"([0-9a-f]+)\\")?$/;
const CREATE = /^CreateContainer within sandbox \\"([0-9a-f]+)\\" for (?:container )?&ContainerMetadata\{[^}]*\}(?: returns container id \\"([0-9a-f]+)\\")?$/;
const START = /^StartContainer for \\"([0-9a-f]+)\\"( returns successfully)?$/;

/** Per `namespace/name`, the CRI calls containerd logged in `file` from byte `from` on. */
export function readCriTimes(file: string, from = 0): Map<string, CriTimes> {
  const out = new Map<string, CriTimes>();
  const bySandbox = new Map<string, CriTimes>();
  const byContainer = new Map<string, CriTimes>();
  for (const line of readFrom(file, from).split('\n')) {
    const m = LINE.exec(line);
    if (!m?.[1] || m[2] === undefined) continue;
    const at = epochMs(m[1]);
    const msg = m[2];
    const s = SANDBOX.exec(msg);
    if (s) {
      const key = `${s[2] ?? ''}/${s[1] ?? ''}`;
      // A pod's later sandbox (a retry) starts a new record: the last attempt is the one that ran.
      const t: CriTimes = s[3] === undefined ? {} : (out.get(key) ?? {});
      out.set(key, t);
      if (s[3] === undefined) t.runPodSandbox = { start: at };
      else {
        if (t.runPodSandbox) t.runPodSandbox.end = at;
        t.sandboxId = s[3];
        bySandbox.set(s[3], t);
      }
      continue;
    }
    const c = CREATE.exec(msg);
    if (c?.[1]) {
      const t = bySandbox.get(c[1]);
      if (!t) continue;
      if (c[2] === undefined) t.createContainer = { start: at };
      else {
        if (t.createContainer) t.createContainer.end = at;
        byContainer.set(c[2], t);
      }
      continue;
    }
    const st = START.exec(msg);
    if (st?.[1]) {
      const t = byContainer.get(st[1]);
      if (!t) continue;
      if (st[2] === undefined) t.startContainer = { start: at };
      else if (t.startContainer) t.startContainer.end = at;
    }
  }
  return out;
}

function readFrom(file: string, from: number): string {
  const size = statSync(file).size;
  if (size <= from) return '';
  const buf = Buffer.alloc(size - from);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, buf.length, from);
  } finally {
    closeSync(fd);
  }
  return buf.toString('utf8');
}
