/**
 * Container probes as upstream's kubelet runs them: one check (`exec`,
 * `httpGet`, `tcpSocket`) and the per-container state that turns checks into
 * a result with `initialDelaySeconds`, `periodSeconds`, `successThreshold`
 * and `failureThreshold` (prober/worker.go). The pod worker asks
 * {@link ProbeState.due} when to probe and reads {@link ProbeState.result}.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';

export interface Probe {
  readonly exec?: { readonly command?: readonly string[] };
  readonly httpGet?: { readonly host?: string; readonly path?: string; readonly port: number | string; readonly scheme?: string; readonly httpHeaders?: readonly { readonly name: string; readonly value: string }[] };
  readonly tcpSocket?: { readonly host?: string; readonly port: number | string };
  readonly initialDelaySeconds?: number;
  readonly timeoutSeconds?: number;
  readonly periodSeconds?: number;
  readonly successThreshold?: number;
  readonly failureThreshold?: number;
  /** Grace period of a kill after a failed liveness or startup probe, instead of the pod's. */
  readonly terminationGracePeriodSeconds?: number;
}

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

/** What a check needs of the pod: its IP, its container's named ports, and exec through the runtime. */
export interface ProbeTarget {
  readonly podIP: string;
  readonly ports: readonly { readonly name?: string; readonly containerPort: number }[];
  /** Runs `cmd` in the container; resolves with its exit code and output, rejects on a timeout or a runtime error. */
  exec(cmd: readonly string[], timeoutSeconds: number): Promise<{ exitCode: number; output: string }>;
}

/** One check's outcome; `message` is what upstream puts in the Unhealthy event. */
export interface CheckResult {
  readonly ok: boolean;
  readonly message: string;
}

const timeoutOf = (p: Probe) => Math.max(1, p.timeoutSeconds ?? 1);

function portOf(port: number | string, target: ProbeTarget): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const named = target.ports.find((p) => p.name === port);
  if (!named) throw new Error(`couldn't find port: ${port} in container`);
  return named.containerPort;
}

/** Run one check of `probe` against `target`. */
export async function check(probe: Probe, target: ProbeTarget): Promise<CheckResult> {
  const seconds = timeoutOf(probe);
  try {
    if (probe.exec) {
      const r = await target.exec(probe.exec.command ?? [], seconds);
      return r.exitCode === 0 ? { ok: true, message: r.output } : { ok: false, message: r.output || `command ${JSON.stringify((probe.exec.command ?? []).join(' '))} exited with ${String(r.exitCode)}` };
    }
    if (probe.httpGet) return await httpCheck(probe.httpGet, target, seconds);
    if (probe.tcpSocket) return await tcpCheck(probe.tcpSocket.host || target.podIP, portOf(probe.tcpSocket.port, target), seconds);
    return { ok: false, message: 'probe has no handler' };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

function httpCheck(get: NonNullable<Probe['httpGet']>, target: ProbeTarget, seconds: number): Promise<CheckResult> {
  const https = (get.scheme ?? 'HTTP').toUpperCase() === 'HTTPS';
  const host = get.host || target.podIP;
  const port = portOf(get.port, target);
  const path = get.path ? (get.path.startsWith('/') ? get.path : `/${get.path}`) : '/';
  const url = `${https ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${String(port)}${path}`;
  const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32', Accept: '*/*' };
  for (const h of get.httpHeaders ?? []) headers[h.name] = h.value;
  return new Promise((resolve) => {
    const send = https ? httpsRequest : httpRequest;
    // Upstream skips certificate checks for HTTPS probes.
    const req = send(url, { method: 'GET', headers, timeout: seconds * 1000, ...(https ? { rejectUnauthorized: false } : {}) }, (res) => {
      const code = res.statusCode ?? 0;
      res.resume();
      res.on('end', () => resolve(code >= 200 && code < 400 ? { ok: true, message: '' } : { ok: false, message: `HTTP probe failed with statuscode: ${String(code)}` }));
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ ok: false, message: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
    });
    req.on('error', (err) => resolve({ ok: false, message: `Get "${url}": ${err.message}` }));
    req.end();
  });
}

function tcpCheck(host: string, port: number, seconds: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: seconds * 1000 });
    const done = (r: CheckResult) => {
      socket.destroy();
      resolve(r);
    };
    socket.once('connect', () => done({ ok: true, message: '' }));
    socket.once('timeout', () => done({ ok: false, message: `dial tcp ${host}:${String(port)}: i/o timeout` }));
    socket.once('error', (err) => done({ ok: false, message: `dial tcp ${host}:${String(port)}: ${err.message}` }));
  });
}

/**
 * The result of one probe of one container, fed with checks: it starts at
 * upstream's initial value (liveness succeeds, readiness and startup fail)
 * and flips only after `successThreshold` successes or `failureThreshold`
 * failures in a row.
 */
export class ProbeState {
  readonly #probe: Probe;
  readonly #startedAt: number;
  #result: boolean;
  #run = 0;
  #last: boolean | undefined;
  #next: number;

  /** `startedAtMs`: when the container started (its running state's startedAt). */
  constructor(kind: ProbeKind, probe: Probe, startedAtMs: number) {
    this.#probe = probe;
    this.#startedAt = startedAtMs;
    this.#result = kind === 'liveness';
    this.#next = startedAtMs + (probe.initialDelaySeconds ?? 0) * 1000;
  }

  get result(): boolean {
    return this.#result;
  }

  /** When the next check is due (ms, the same clock as `startedAtMs`). */
  get due(): number {
    return this.#next;
  }

  /** True once `failureThreshold` checks in a row failed (a startup probe then gives up on the container). */
  get failing(): boolean {
    return this.#last === false && this.#run >= Math.max(1, this.#probe.failureThreshold ?? 3);
  }

  /** When the container started, as given. */
  get startedAt(): number {
    return this.#startedAt;
  }

  /** Record a check made at `nowMs`; returns true if the result changed. */
  record(ok: boolean, nowMs: number): boolean {
    this.#next = nowMs + Math.max(1, this.#probe.periodSeconds ?? 10) * 1000;
    this.#run = this.#last === ok ? this.#run + 1 : 1;
    this.#last = ok;
    const threshold = ok ? Math.max(1, this.#probe.successThreshold ?? 1) : Math.max(1, this.#probe.failureThreshold ?? 3);
    if (this.#run < threshold || this.#result === ok) return false;
    this.#result = ok;
    return true;
  }
}
