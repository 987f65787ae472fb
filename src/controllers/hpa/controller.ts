/**
 * The HorizontalPodAutoscaler controller (autoscaling/v2), as upstream's:
 * every sync period it reads the target's scale subresource and the pods'
 * resource metrics (`metrics.k8s.io`), proposes replicas per Resource
 * metric (utilization of requests, or average value) and takes the
 * largest, stabilizes and rate-limits it by `behavior`, clamps it to
 * min/max, and scales the target, with upstream's conditions, events and
 * status. The clock is injected for the stabilization windows.
 */
import { allResources } from '../../api/index.js';
import { horizontalPodAutoscalersV2 } from '../../api/autoscaling/index.js';
import { pods } from '../../api/core/index.js';
import { parseLabelSelector } from '../../api/labels.js';
import type { KubeObject } from '../../api/meta.js';
import { formatQuantity, quantityValue } from '../../api/quantity.js';
import { keyOf, WorkQueue } from '../../client/index.js';
import type { Controller } from '../controller.js';
import { isPodReady, type PodLike } from '../util/pods.js';
import { runQueue } from '../util/run.js';
import { realClock, timestamp, type Clock } from '../util/time.js';
import { defaultScaleDown, defaultScaleUp, limitReplicas, proposeReplicas, stabilize, type PodSample, type Rules, type Timed } from './replicas.js';

interface Target {
  type: 'Utilization' | 'AverageValue' | 'Value';
  averageUtilization?: number;
  averageValue?: string;
}
interface Metric {
  type: string;
  resource?: { name: string; target: Target };
}
interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime?: string;
}
interface HPA extends KubeObject {
  spec: { scaleTargetRef: { apiVersion?: string; kind: string; name: string }; minReplicas?: number; maxReplicas: number; metrics?: Metric[]; behavior?: { scaleUp?: Rules; scaleDown?: Rules } };
  status?: { currentReplicas?: number; desiredReplicas?: number; lastScaleTime?: string; currentMetrics?: unknown[]; conditions?: Condition[]; observedGeneration?: number };
}
interface Scale extends KubeObject {
  spec: { replicas?: number };
  status: { replicas?: number; selector?: string };
}
interface PodMetrics {
  metadata: { name: string };
  containers: { name: string; usage: Record<string, string> }[];
}

/** Upstream's default metric: 80% CPU utilization. */
const defaultMetrics: Metric[] = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];

export interface HPAControllerOptions {
  readonly now?: Clock;
  /** How often each HPA is evaluated (upstream: 15 s). */
  readonly syncPeriodMs?: number;
}

/** New HPA controller. */
export function newHPAController(o: HPAControllerOptions = {}): Controller {
  const now = o.now ?? realClock;
  const period = o.syncPeriodMs ?? 15_000;
  return {
    name: 'horizontalpodautoscaling',
    async run(ctx) {
      const hpas = ctx.informers.for<HPA>(horizontalPodAutoscalersV2);
      const podInf = ctx.informers.for<PodLike>(pods);
      const queue = new WorkQueue();
      const recorder = ctx.recorder('horizontal-pod-autoscaler');
      const recommendations = new Map<string, Timed[]>();
      const scaleEvents = new Map<string, Timed[]>();
      hpas.on({ add: (h) => queue.add(keyOf(h)), update: (a, b) => a.metadata.generation !== b.metadata.generation && queue.add(keyOf(b)), delete: (h) => recommendations.delete(keyOf(h)) });
      if (!(await ctx.informers.synced())) return;

      const sync = async (key: string) => {
        const cached = hpas.get(key);
        if (!cached) return;
        queue.addAfter(key, period);
        const hpa = structuredClone(cached);
        const ns = hpa.metadata.namespace ?? '';
        const t = now();
        const status = structuredClone(hpa.status ?? {});
        status.observedGeneration = hpa.metadata.generation ?? 1;
        const conditions = new Map((status.conditions ?? []).map((c) => [c.type, c]));
        const setCond = (type: string, ok: boolean, reason: string, message: string) => {
          const old = conditions.get(type);
          const st = ok ? 'True' : 'False';
          conditions.set(type, { type, status: st, lastTransitionTime: old?.status === st ? (old.lastTransitionTime ?? timestamp(t)) : timestamp(t), reason, message });
        };
        const write = async () => {
          status.conditions = [...conditions.values()];
          if (JSON.stringify(status) !== JSON.stringify(hpa.status ?? {})) await ctx.client.update(horizontalPodAutoscalersV2, { ...hpa, status }, 'status');
        };
        const ref = hpa.spec.scaleTargetRef;
        const [group, version] = (ref.apiVersion ?? '').includes('/') ? (ref.apiVersion ?? '').split('/') : ['', ref.apiVersion ?? ''];
        const def = allResources.find((d) => d.kind === ref.kind && d.group === group && (d.version === version || !version) && d.scale && !d.storedAs);
        let scale: Scale;
        try {
          if (!def) throw new Error(`no matches for kind "${ref.kind}" in group "${group ?? ''}"`);
          scale = await ctx.client.get<Scale>(def, ns, ref.name, 'scale');
        } catch (err) {
          const msg = `the HPA controller was unable to get the target's current scale: ${err instanceof Error ? err.message : String(err)}`;
          setCond('AbleToScale', false, 'FailedGetScale', msg);
          recorder.event(hpa, 'Warning', 'FailedGetScale', err instanceof Error ? err.message : String(err));
          return write();
        }
        const current = scale.spec.replicas ?? 0;
        const min = hpa.spec.minReplicas ?? 1;
        const max = hpa.spec.maxReplicas;
        status.currentReplicas = scale.status.replicas ?? 0;
        let desired: number;
        let rescaleReason = '';
        let stabilizedBy: [reason: string, message: string] | undefined;
        if (current === 0 && min !== 0) {
          desired = 0;
          setCond('ScalingActive', false, 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
        } else if (current > max) {
          desired = max;
          rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
        } else if (current < min) {
          desired = min;
          rescaleReason = 'Current number of replicas below Spec.MinReplicas';
        } else {
          const selector = parseLabelSelector(scale.status.selector ?? '');
          const podsOf = podInf.list().filter((p) => p.metadata.namespace === ns && selector.matches(p.metadata.labels ?? {}) && !p.metadata.deletionTimestamp && p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded');
          let metrics: PodMetrics[];
          try {
            metrics = (await ctx.client.request<{ items: PodMetrics[] }>('GET', `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(ns)}/pods?labelSelector=${encodeURIComponent(scale.status.selector ?? '')}`)).items;
          } catch (err) {
            metrics = [];
            ctx.log('hpa: metrics', { key, err: String(err) });
          }
          const byPod = new Map(metrics.map((m) => [m.metadata.name, m]));
          let best: { replicas: number; name: string } | undefined;
          const current_: unknown[] = [];
          let failure: string | undefined;
          for (const m of hpa.spec.metrics ?? defaultMetrics) {
            if (m.type !== 'Resource' || !m.resource) continue;
            const { name, target } = m.resource;
            const samples: PodSample[] = [];
            for (const p of podsOf) {
              const pm = byPod.get(p.metadata.name ?? '');
              const usage = pm ? pm.containers.reduce((n, c) => n + (quantityValue(c.usage[name]) ?? 0), 0) : undefined;
              let request = 0;
              for (const c of p.spec?.containers ?? []) {
                const r = quantityValue(c.resources?.requests?.[name]);
                if (r === undefined && target.type === 'Utilization') failure ??= `failed to get ${name} utilization: missing request for ${name} in container ${c.name} of Pod ${p.metadata.name ?? ''}`;
                request += r ?? 0;
              }
              // Only CPU treats not-yet-ready pods as unready, as upstream.
              samples.push({ usage, request, ready: name !== 'cpu' || (p.status?.phase === 'Running' && isPodReady(p)) });
            }
            if (failure) break;
            if (!samples.some((s) => s.usage !== undefined)) {
              failure = `failed to get ${name} utilization: unable to get metrics for resource ${name}: no metrics returned from resource metrics API`;
              break;
            }
            const withUsage = samples.filter((s) => s.usage !== undefined && s.ready);
            const sumUsage = (s: readonly PodSample[]) => s.reduce((n, x) => n + (x.usage ?? 0), 0);
            let proposal: { replicas: number };
            let label: string;
            if (target.type === 'Utilization') {
              const goal = target.averageUtilization ?? 80;
              const utilization = (s: readonly PodSample[]) => (sumUsage(s) * 100) / Math.max(1e-9, s.reduce((n, x) => n + x.request, 0));
              proposal = proposeReplicas(current, samples, (s) => utilization(s) / goal, (s) => (s.request * goal) / 100);
              current_.push({ type: 'Resource', resource: { name, current: { averageUtilization: Math.round(utilization(withUsage)), averageValue: formatQuantity(sumUsage(withUsage) / Math.max(1, withUsage.length), name === 'memory') } } });
              label = `${name} resource utilization (percentage of request)`;
            } else {
              const goal = quantityValue(target.averageValue) ?? 1;
              proposal = proposeReplicas(current, samples, (s) => sumUsage(s) / Math.max(1, s.length) / goal, () => goal);
              current_.push({ type: 'Resource', resource: { name, current: { averageValue: formatQuantity(sumUsage(withUsage) / Math.max(1, withUsage.length), name === 'memory') } } });
              label = `${name} resource`;
            }
            if (!best || proposal.replicas > best.replicas) best = { replicas: proposal.replicas, name: label };
          }
          if (failure || !best) {
            const msg = failure ?? 'the HPA was unable to compute the replica count: no metrics';
            setCond('ScalingActive', false, 'FailedGetResourceMetric', msg);
            recorder.event(hpa, 'Warning', 'FailedGetResourceMetric', msg);
            return write();
          }
          status.currentMetrics = current_;
          setCond('ScalingActive', true, 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${best.name}`);
          // Stabilize, then rate-limit and clamp.
          const up = { ...defaultScaleUp, ...hpa.spec.behavior?.scaleUp };
          const down = { ...defaultScaleDown, ...hpa.spec.behavior?.scaleDown };
          const history = (recommendations.get(key) ?? []).filter((r) => r.at > t.getTime() - Math.max(up.stabilizationWindowSeconds, down.stabilizationWindowSeconds) * 1000);
          const stabilized = stabilize(current, best.replicas, history, up, down, t.getTime());
          recommendations.set(key, [...history, { at: t.getTime(), value: best.replicas }]);
          if (stabilized > best.replicas) stabilizedBy = ['ScaleDownStabilized', 'recent recommendations were higher than current one, applying the highest recent recommendation'];
          if (stabilized < best.replicas) stabilizedBy = ['ScaleUpStabilized', 'recent recommendations were lower than current one, applying the lowest recent recommendation'];
          const limited = limitReplicas(current, stabilized, min, max, scaleEvents.get(key) ?? [], up, down, t.getTime());
          setCond('ScalingLimited', limited.reason !== 'DesiredWithinRange', limited.reason, limited.message);
          desired = limited.replicas;
          rescaleReason = desired > current ? `${best.name} above target` : 'All metrics below target';
        }
        status.desiredReplicas = desired;
        if (desired !== current) {
          try {
            await ctx.client.patch(def, ns, ref.name, { spec: { replicas: desired } }, 'merge', { subresource: 'scale' });
          } catch (err) {
            setCond('AbleToScale', false, 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${err instanceof Error ? err.message : String(err)}`);
            recorder.event(hpa, 'Warning', 'FailedRescale', `New size: ${String(desired)}; reason: ${rescaleReason}; error: ${err instanceof Error ? err.message : String(err)}`);
            return write();
          }
          scaleEvents.set(key, [...(scaleEvents.get(key) ?? []).filter((e) => e.at > t.getTime() - 30 * 60_000), { at: t.getTime(), value: desired - current }]);
          setCond('AbleToScale', true, 'SucceededRescale', `the HPA controller was able to update the target scale to ${String(desired)}`);
          recorder.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${String(desired)}; reason: ${rescaleReason}`);
          status.lastScaleTime = timestamp(t);
        } else if (stabilizedBy) setCond('AbleToScale', true, ...stabilizedBy);
        else setCond('AbleToScale', true, 'ReadyForNewScale', 'recommended size matches current size');
        return write();
      };
      await runQueue(ctx, 'horizontalpodautoscaling', queue, 3, sync);
    },
  };
}
