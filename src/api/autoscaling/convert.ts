/**
 * autoscaling/v1 ↔ autoscaling/v2 HorizontalPodAutoscaler, as upstream
 * converts them: v1 has only `targetCPUUtilizationPercentage`, so the rest of
 * v2 (other metrics, current metrics, conditions, behavior) travels in v1
 * annotations, in v1's older metric shapes, and comes back from them.
 */
import type { KubeObject } from '../meta.js';
import { getList, getNum, getObj, getStr, isObj, type Obj } from '../core/util.js';
import { defaultCPUUtilization } from './hpa.js';

/** The annotations that carry v2 fields through v1 (upstream's names). */
export const annotations = {
  metrics: 'autoscaling.alpha.kubernetes.io/metrics',
  currentMetrics: 'autoscaling.alpha.kubernetes.io/current-metrics',
  conditions: 'autoscaling.alpha.kubernetes.io/conditions',
  behavior: 'autoscaling.alpha.kubernetes.io/behavior',
} as const;
const roundTrip: readonly string[] = Object.values(annotations);

/** A copy of `o` without undefined values (Go's omitempty for the pointers we set). */
function compact(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

const cpuUtilization = (m: Obj) => m.type === 'Resource' && getStr(getObj(m, 'resource'), 'name') === 'cpu' && getObj(getObj(m, 'resource'), 'target')?.averageUtilization !== undefined;

const zero = (q: unknown) => (q === undefined ? '0' : q);

/** v2 MetricSpec → v1 MetricSpec (kept in the metrics annotation). */
function metricToV1(m: Obj): Obj {
  const metric = (s: Obj | undefined) => getObj(s, 'metric');
  const target = (s: Obj | undefined) => getObj(s, 'target') ?? {};
  const out: Obj = { type: m.type };
  const o = getObj(m, 'object');
  if (o) out.object = compact({ target: getObj(o, 'describedObject'), metricName: getStr(metric(o), 'name') ?? '', targetValue: zero(target(o).value), selector: metric(o)?.selector, averageValue: target(o).averageValue });
  const p = getObj(m, 'pods');
  if (p) out.pods = compact({ metricName: getStr(metric(p), 'name') ?? '', targetAverageValue: zero(target(p).averageValue), selector: metric(p)?.selector });
  const r = getObj(m, 'resource');
  if (r) out.resource = compact({ name: r.name, targetAverageUtilization: target(r).averageUtilization, targetAverageValue: target(r).averageValue });
  const c = getObj(m, 'containerResource');
  if (c) out.containerResource = compact({ name: c.name, targetAverageUtilization: target(c).averageUtilization, targetAverageValue: target(c).averageValue, container: c.container });
  const e = getObj(m, 'external');
  if (e) out.external = compact({ metricName: getStr(metric(e), 'name') ?? '', metricSelector: metric(e)?.selector, targetValue: target(e).value, targetAverageValue: target(e).averageValue });
  return out;
}

/** v1 MetricSpec → v2 MetricSpec (upstream's v1 conversion functions, quirks included). */
function metricToV2(m: Obj): Obj {
  const out: Obj = { type: m.type };
  const o = getObj(m, 'object');
  if (o)
    out.object = {
      describedObject: getObj(o, 'target') ?? {},
      target: compact({ type: o.averageValue === undefined ? 'Value' : 'AverageValue', value: zero(o.targetValue), averageValue: o.averageValue }),
      metric: compact({ name: o.metricName ?? '', selector: o.selector }),
    };
  const p = getObj(m, 'pods');
  if (p) out.pods = { metric: compact({ name: p.metricName ?? '', selector: p.selector }), target: { type: 'AverageValue', averageValue: zero(p.targetAverageValue) } };
  const r = getObj(m, 'resource');
  if (r) out.resource = { name: r.name, target: resourceTarget(r) };
  const c = getObj(m, 'containerResource');
  if (c) out.containerResource = { name: c.name, target: resourceTarget(c), container: c.container };
  const e = getObj(m, 'external');
  if (e)
    out.external = {
      metric: compact({ name: e.metricName ?? '', selector: e.metricSelector }),
      target: compact({ type: e.targetValue === undefined ? 'AverageValue' : 'Value', value: e.targetValue, averageValue: e.targetAverageValue }),
    };
  return out;
}

const resourceTarget = (r: Obj) =>
  compact({ type: r.targetAverageUtilization === undefined ? 'AverageValue' : 'Utilization', averageValue: r.targetAverageValue, averageUtilization: r.targetAverageUtilization });

/** v2 MetricStatus → v1 MetricStatus (kept in the current-metrics annotation). */
function statusToV1(m: Obj): Obj {
  const cur = (s: Obj) => getObj(s, 'current') ?? {};
  const metric = (s: Obj) => getObj(s, 'metric');
  const out: Obj = { type: m.type };
  const o = getObj(m, 'object');
  if (o) out.object = compact({ target: getObj(o, 'describedObject'), metricName: getStr(metric(o), 'name') ?? '', currentValue: zero(cur(o).value), selector: metric(o)?.selector, averageValue: cur(o).averageValue });
  const p = getObj(m, 'pods');
  if (p) out.pods = compact({ metricName: getStr(metric(p), 'name') ?? '', currentAverageValue: zero(cur(p).averageValue), selector: metric(p)?.selector });
  const r = getObj(m, 'resource');
  if (r) out.resource = compact({ name: r.name, currentAverageUtilization: cur(r).averageUtilization, currentAverageValue: zero(cur(r).averageValue) });
  const c = getObj(m, 'containerResource');
  if (c) out.containerResource = compact({ name: c.name, currentAverageUtilization: cur(c).averageUtilization, currentAverageValue: zero(cur(c).averageValue), container: c.container });
  const e = getObj(m, 'external');
  if (e) out.external = compact({ metricName: getStr(metric(e), 'name') ?? '', metricSelector: metric(e)?.selector, currentValue: zero(cur(e).value), currentAverageValue: cur(e).averageValue });
  return out;
}

/** v1 MetricStatus → v2 MetricStatus. */
function statusToV2(m: Obj): Obj {
  const out: Obj = { type: m.type };
  const o = getObj(m, 'object');
  if (o) out.object = { metric: compact({ name: o.metricName ?? '', selector: o.selector }), current: compact({ value: zero(o.currentValue), averageValue: o.averageValue }), describedObject: getObj(o, 'target') ?? {} };
  const p = getObj(m, 'pods');
  if (p) out.pods = { metric: compact({ name: p.metricName ?? '', selector: p.selector }), current: { averageValue: zero(p.currentAverageValue) } };
  const r = getObj(m, 'resource');
  if (r) out.resource = { name: r.name, current: compact({ averageValue: zero(r.currentAverageValue), averageUtilization: r.currentAverageUtilization }) };
  const c = getObj(m, 'containerResource');
  if (c) out.containerResource = { name: c.name, current: compact({ averageValue: zero(c.currentAverageValue), averageUtilization: c.currentAverageUtilization }), container: c.container };
  const e = getObj(m, 'external');
  if (e) out.external = { metric: compact({ name: e.metricName ?? '', selector: e.metricSelector }), current: compact({ value: zero(e.currentValue), averageValue: e.currentAverageValue }) };
  return out;
}

/** A condition in Go's field order, as upstream marshals it into the conditions annotation. */
const conditionJSON = (c: Obj) => compact({ type: c.type, status: c.status, lastTransitionTime: c.lastTransitionTime ?? null, reason: c.reason, message: c.message, observedGeneration: c.observedGeneration });

/**
 * Upstream marshals the internal behavior type (no JSON tags) into its
 * annotation, so the keys are Go field names and nil pointers are null.
 */
function behaviorToAnnotation(b: Obj): string {
  const rules = (r: unknown) =>
    isObj(r)
      ? {
          StabilizationWindowSeconds: r.stabilizationWindowSeconds ?? null,
          SelectPolicy: r.selectPolicy ?? null,
          Policies: Array.isArray(r.policies) ? r.policies.filter(isObj).map((p) => ({ Type: p.type, Value: p.value, PeriodSeconds: p.periodSeconds })) : null,
          Tolerance: r.tolerance ?? null,
        }
      : null;
  return JSON.stringify({ ScaleUp: rules(b.scaleUp), ScaleDown: rules(b.scaleDown) });
}

/** The behavior annotation read back (Go's JSON matches field names case-insensitively); undefined if malformed or empty. */
function behaviorFromAnnotation(text: string): Obj | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObj(parsed)) return undefined;
  const field = (o: Obj, name: string) => o[Object.keys(o).find((k) => k.toLowerCase() === name.toLowerCase()) ?? ''];
  const rules = (r: unknown) => {
    if (!isObj(r)) return undefined;
    const policies = field(r, 'policies');
    return compact({
      stabilizationWindowSeconds: field(r, 'stabilizationWindowSeconds') ?? undefined,
      selectPolicy: field(r, 'selectPolicy') ?? undefined,
      policies: Array.isArray(policies) ? policies.filter(isObj).map((p) => ({ type: field(p, 'type'), value: field(p, 'value'), periodSeconds: field(p, 'periodSeconds') })) : undefined,
      tolerance: field(r, 'tolerance') ?? undefined,
    });
  };
  const out = compact({ scaleUp: rules(field(parsed, 'scaleUp')), scaleDown: rules(field(parsed, 'scaleDown')) });
  return Object.keys(out).length ? out : undefined;
}

/** The annotations without the round-trip ones; undefined when nothing is left. */
function dropRoundTrip(a: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!a) return undefined;
  const out = Object.fromEntries(Object.entries(a).filter(([k]) => !roundTrip.includes(k)));
  return Object.keys(out).length ? out : undefined;
}

/** An autoscaling/v2 HPA as autoscaling/v1 (a fresh object). */
export function hpaToV1(v2: KubeObject): KubeObject {
  const spec = getObj(v2, 'spec') ?? {};
  const status = getObj(v2, 'status') ?? {};
  const metrics = getList(spec, 'metrics');
  const current = getList(status, 'currentMetrics');
  const conditions = getList(status, 'conditions');
  const cpu = metrics.find((m) => m.type === 'Resource' && getStr(getObj(m, 'resource'), 'name') === 'cpu');
  const cpuNow = current.filter((m) => m.type === 'Resource' && getStr(getObj(m, 'resource'), 'name') === 'cpu' && getObj(getObj(m, 'resource'), 'current')?.averageUtilization !== undefined).pop();
  const metadata = structuredClone(v2.metadata);
  const kept = dropRoundTrip(metadata.annotations);
  const notes: Record<string, string> = { ...kept };
  const others = metrics.filter((m) => !cpuUtilization(m)).map(metricToV1);
  if (others.length) notes[annotations.metrics] = JSON.stringify(others);
  if (current.length) notes[annotations.currentMetrics] = JSON.stringify(current.map(statusToV1));
  const behavior = getObj(spec, 'behavior');
  if (behavior) notes[annotations.behavior] = behaviorToAnnotation(behavior);
  if (conditions.length) notes[annotations.conditions] = JSON.stringify(conditions.map(conditionJSON));
  if (Object.keys(notes).length) metadata.annotations = notes;
  else delete metadata.annotations;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata,
    spec: compact({
      scaleTargetRef: structuredClone(getObj(spec, 'scaleTargetRef') ?? {}),
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas ?? 0,
      targetCPUUtilizationPercentage: getObj(getObj(cpu, 'resource'), 'target')?.averageUtilization,
    }),
    status: compact({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: getNum(status, 'currentReplicas') ?? 0,
      desiredReplicas: getNum(status, 'desiredReplicas') ?? 0,
      currentCPUUtilizationPercentage: getObj(getObj(cpuNow, 'resource'), 'current')?.averageUtilization,
    }),
  };
}

/** Parses an annotation holding a JSON list of objects; [] if absent or malformed. */
function annotationList(a: Record<string, string> | undefined, key: string): Obj[] | undefined {
  const text = a?.[key];
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter(isObj) : [];
  } catch {
    return [];
  }
}

/** An autoscaling/v1 HPA as autoscaling/v2 (a fresh object), before v2 defaulting. */
export function hpaToV2(v1: KubeObject): KubeObject {
  const spec = getObj(v1, 'spec') ?? {};
  const status = getObj(v1, 'status') ?? {};
  const metadata = structuredClone(v1.metadata);
  const notes = metadata.annotations;
  const target = getNum(spec, 'targetCPUUtilizationPercentage');
  const cpu = target === undefined ? [] : [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } }];
  const others = annotationList(notes, annotations.metrics);
  let metrics: Obj[] = others ? [...others.map(metricToV2), ...cpu] : cpu;
  // v1 once left the 80% CPU default to the controller; the conversion makes it explicit.
  if (metrics.length === 0) metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: defaultCPUUtilization } } }];
  const cpuNow = getNum(status, 'currentCPUUtilizationPercentage');
  const fromNote = annotationList(notes, annotations.currentMetrics);
  const current = fromNote ? fromNote.map(statusToV2) : cpuNow === undefined ? null : [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: cpuNow } } }];
  const conditions = annotationList(notes, annotations.conditions)?.map(conditionJSON);
  const behaviorText = notes?.[annotations.behavior];
  const behavior = behaviorText === undefined ? undefined : behaviorFromAnnotation(behaviorText);
  const kept = dropRoundTrip(notes);
  if (kept) metadata.annotations = kept;
  else delete metadata.annotations;
  const currentReplicas = getNum(status, 'currentReplicas');
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata,
    spec: compact({
      scaleTargetRef: structuredClone(getObj(spec, 'scaleTargetRef') ?? {}),
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas ?? 0,
      metrics,
      behavior,
    }),
    status: compact({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: currentReplicas ? currentReplicas : undefined,
      desiredReplicas: getNum(status, 'desiredReplicas') ?? 0,
      currentMetrics: current,
      conditions,
    }),
  };
}
