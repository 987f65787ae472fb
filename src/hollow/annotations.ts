/**
 * Annotations that tell a hollow node how a pod's simulated containers
 * behave. They have no effect on a real node. Durations are whole or
 * decimal seconds.
 *
 * - `skiff.io/hollow-exit-after-seconds: "N"` — every container exits N
 *   seconds after it started (Job and CronJob pods). Then the pod's
 *   `restartPolicy` decides, as the kubelet's: `Never`, and `OnFailure` with
 *   exit code 0, end the pod (Succeeded or Failed); otherwise the containers
 *   restart at once (restartCount + 1) and exit again N seconds later.
 * - `skiff.io/hollow-exit-code: "C"` — their exit code (default 0).
 * - `skiff.io/hollow-termination-seconds: "N"` — how long the containers take
 *   to stop once the pod is deleted (default 0: at once, exit code 0). If N
 *   is not shorter than the grace period they are killed when it ends (exit
 *   code 137), as a process that ignores SIGTERM.
 * - `skiff.io/hollow-usage: '{"cpu":"250m","memory":"64Mi"}'` — the pod's
 *   CPU and memory usage, as the metrics API (src/apiserver/metrics.ts)
 *   serves it to `kubectl top` and the HorizontalPodAutoscaler. Set it on a
 *   pod (or a pod template) to give the pod a load; a hollow node started
 *   with a default usage writes it on the running pods that have none.
 */
import type { KubeObject } from '../api/meta.js';

export const EXIT_AFTER_ANNOTATION = 'skiff.io/hollow-exit-after-seconds';
export const EXIT_CODE_ANNOTATION = 'skiff.io/hollow-exit-code';
export const TERMINATION_ANNOTATION = 'skiff.io/hollow-termination-seconds';
/** The same name as `USAGE_ANNOTATION` of src/apiserver/metrics.ts, which reads it (components do not import each other). */
export const USAGE_ANNOTATION = 'skiff.io/hollow-usage';

/** A non-negative number of seconds from an annotation, else undefined (absent or malformed: ignored). */
export function secondsAnnotation(obj: KubeObject, name: string): number | undefined {
  const v = obj.metadata.annotations?.[name];
  if (v === undefined || !/^\d+(\.\d+)?$/.test(v.trim())) return undefined;
  return Number(v);
}

/** The exit code a pod's containers are told to exit with (0 when absent or malformed). */
export function exitCode(obj: KubeObject): number {
  const v = obj.metadata.annotations?.[EXIT_CODE_ANNOTATION]?.trim();
  return v !== undefined && /^\d{1,3}$/.test(v) && Number(v) <= 255 ? Number(v) : 0;
}
