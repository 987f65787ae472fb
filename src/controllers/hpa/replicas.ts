/**
 * Upstream's HPA arithmetic, pure: the replica count a resource metric
 * proposes (tolerance, missing and unready pods), and the normalization by
 * `behavior` (stabilization windows, rate policies, min/max).
 */

/** Upstream's default tolerance: no change while the usage ratio is within 10% of 1. */
export const TOLERANCE = 0.1;

export interface PodSample {
  /** Usage in base units, undefined if the pod has no metrics. */
  readonly usage: number | undefined;
  /** The pod's request of the resource (utilization targets only). */
  readonly request: number;
  /** Ready, or not counted as unready (only CPU counts unready pods). */
  readonly ready: boolean;
}

/**
 * The replicas a metric proposes: `ratioOf(samples)` is usage over target.
 * Missing pods count as at target when scaling down and as idle when
 * scaling up; unready pods as idle when scaling up; no change within the
 * tolerance or when the corrections reverse the direction, as upstream.
 */
export function proposeReplicas(current: number, samples: readonly PodSample[], ratioOf: (s: readonly PodSample[]) => number, atTarget: (s: PodSample) => number): { replicas: number; ratio: number } {
  const measured = samples.filter((s) => s.usage !== undefined && s.ready);
  const unready = samples.filter((s) => s.usage !== undefined && !s.ready);
  const missing = samples.filter((s) => s.usage === undefined);
  const ratio = ratioOf(measured);
  const scaleUpWithUnready = unready.length > 0 && ratio > 1;
  if (missing.length === 0 && !scaleUpWithUnready) {
    if (Math.abs(1 - ratio) <= TOLERANCE) return { replicas: current, ratio };
    return { replicas: Math.ceil(ratio * measured.length), ratio };
  }
  const corrected = [...measured, ...missing.map((s) => ({ ...s, usage: ratio < 1 ? atTarget(s) : 0, ready: true })), ...(scaleUpWithUnready ? unready.map((s) => ({ ...s, usage: 0, ready: true })) : [])];
  const newRatio = ratioOf(corrected);
  if (Math.abs(1 - newRatio) <= TOLERANCE || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) return { replicas: current, ratio };
  const replicas = Math.ceil(newRatio * corrected.length);
  if ((newRatio < 1 && replicas > current) || (newRatio > 1 && replicas < current)) return { replicas: current, ratio };
  return { replicas, ratio };
}

export interface Policy {
  readonly type: 'Pods' | 'Percent';
  readonly value: number;
  readonly periodSeconds: number;
}

export interface Rules {
  readonly stabilizationWindowSeconds?: number;
  readonly selectPolicy?: 'Max' | 'Min' | 'Disabled';
  readonly policies?: readonly Policy[];
}

/** Upstream's defaults when `behavior` leaves a direction out. */
export const defaultScaleUp: Required<Rules> = { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] };
export const defaultScaleDown: Required<Rules> = { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };

/** A past recommendation or scale change (in-memory, per HPA, as upstream keeps them). */
export interface Timed {
  readonly at: number;
  readonly value: number;
}

/** Upstream's stabilization: at least the lowest recommendation of the up window, at most the highest of the down window. */
export function stabilize(current: number, desired: number, history: readonly Timed[], up: Rules, down: Rules, now: number): number {
  let upRec = desired;
  let downRec = desired;
  for (const r of history) {
    if (r.at > now - (up.stabilizationWindowSeconds ?? 0) * 1000) upRec = Math.min(upRec, r.value);
    if (r.at > now - (down.stabilizationWindowSeconds ?? 300) * 1000) downRec = Math.max(downRec, r.value);
  }
  let rec = current;
  if (rec < upRec) rec = upRec;
  if (rec > downRec) rec = downRec;
  return rec;
}

/** Changes (+ added, − removed) within a policy's period. */
const changedIn = (events: readonly Timed[], periodSeconds: number, now: number, sign: 1 | -1) => events.filter((e) => e.at > now - periodSeconds * 1000 && Math.sign(e.value) === sign).reduce((n, e) => n + Math.abs(e.value), 0);

/** The most replicas the scale-up policies allow now. */
export function scaleUpLimit(current: number, events: readonly Timed[], rules: Rules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const max = rules.selectPolicy !== 'Min';
  let limit = max ? -Infinity : Infinity;
  for (const p of rules.policies ?? []) {
    const start = current - changedIn(events, p.periodSeconds, now, 1);
    const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    limit = max ? Math.max(limit, proposed) : Math.min(limit, proposed);
  }
  return Number.isFinite(limit) ? limit : current;
}

/** The fewest replicas the scale-down policies allow now. */
export function scaleDownLimit(current: number, events: readonly Timed[], rules: Rules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const max = rules.selectPolicy !== 'Min';
  let limit = max ? Infinity : -Infinity;
  for (const p of rules.policies ?? []) {
    const start = current + changedIn(events, p.periodSeconds, now, -1);
    const proposed = p.type === 'Pods' ? start - p.value : Math.floor(start * (1 - p.value / 100));
    limit = max ? Math.min(limit, proposed) : Math.max(limit, proposed);
  }
  return Number.isFinite(limit) ? limit : current;
}

/** The rate- and range-limited replicas, with the ScalingLimited reason and message. */
export function limitReplicas(current: number, desired: number, min: number, max: number, events: readonly Timed[], up: Rules, down: Rules, now: number): { replicas: number; reason: string; message: string } {
  if (desired > current) {
    const upLimit = Math.max(current, scaleUpLimit(current, events, up, now));
    let allowed = max;
    let reason = 'TooManyReplicas';
    let message = 'the desired replica count is more than the maximum replica count';
    if (allowed > upLimit) {
      allowed = upLimit;
      reason = 'ScaleUpLimit';
      message = 'the desired replica count is increasing faster than the maximum scale rate';
    }
    if (desired > allowed) return { replicas: allowed, reason, message };
  } else if (desired < current) {
    const downLimit = Math.min(current, scaleDownLimit(current, events, down, now));
    let allowed = min;
    let reason = 'TooFewReplicas';
    let message = 'the desired replica count is less than the minimum replica count';
    if (allowed < downLimit) {
      allowed = downLimit;
      reason = 'ScaleDownLimit';
      message = 'the desired replica count is decreasing faster than the maximum scale rate';
    }
    if (desired < allowed) return { replicas: allowed, reason, message };
  }
  return { replicas: desired, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
}
