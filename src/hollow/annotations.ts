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
 *   to stop once the pod is deleted. Default: they never stop on their own
 *   (as a process that ignores SIGTERM), so they are killed when the grace
 *   period ends; with N shorter than the grace period they stop after N.
 * - `skiff.io/hollow-cpu-usage: "250m"`, `skiff.io/hollow-memory-usage:
 *   "64Mi"` — the usage each container reports (see usage.ts); on a Node,
 *   the default for its pods.
 */
import type { KubeObject } from '../api/meta.js';

export const EXIT_AFTER_ANNOTATION = 'skiff.io/hollow-exit-after-seconds';
export const EXIT_CODE_ANNOTATION = 'skiff.io/hollow-exit-code';
export const TERMINATION_ANNOTATION = 'skiff.io/hollow-termination-seconds';
export const CPU_USAGE_ANNOTATION = 'skiff.io/hollow-cpu-usage';
export const MEMORY_USAGE_ANNOTATION = 'skiff.io/hollow-memory-usage';

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
