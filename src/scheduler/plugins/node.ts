/** Filters and scores on the node alone: NodeUnschedulable, TaintToleration, NodeAffinity, NodePorts. */
import { defaultNormalize, fail, type FilterPlugin, type ScorePlugin } from '../framework.js';
import type { HostPort } from '../nodeinfo.js';
import { effectiveTaints, requiredNodeAffinityMatches, termMatches, tolerates } from './helpers.js';

const UNSCHEDULABLE_TAINT = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

/** NodeUnschedulable: a cordoned node (`spec.unschedulable`) takes only pods that tolerate its taint. */
export const nodeUnschedulable: FilterPlugin = {
  name: 'NodeUnschedulable',
  filter: (pi, ni) => {
    if (ni.node?.spec?.unschedulable !== true) return undefined;
    if ((pi.pod.spec?.tolerations ?? []).some((t) => tolerates(t, UNSCHEDULABLE_TAINT))) return undefined;
    return fail('node(s) were unschedulable', true);
  },
};

/** TaintToleration: every NoSchedule and NoExecute taint is tolerated; fewer untolerated PreferNoSchedule taints score higher. */
export const taintTolerationFilter: FilterPlugin = {
  name: 'TaintToleration',
  filter: (pi, ni) => {
    const tolerations = pi.pod.spec?.tolerations ?? [];
    for (const taint of effectiveTaints(ni.node ?? { metadata: {}, apiVersion: 'v1', kind: 'Node' })) {
      if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
      if (!tolerations.some((t) => tolerates(t, taint))) return fail(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`, true);
    }
    return undefined;
  },
};

export const taintTolerationScore: ScorePlugin = {
  name: 'TaintToleration',
  weight: 3,
  score: (pi, ni) => {
    // Only tolerations that apply to PreferNoSchedule count, as upstream.
    const tolerations = (pi.pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    let n = 0;
    for (const taint of ni.node?.spec?.taints ?? []) if (taint.effect === 'PreferNoSchedule' && !tolerations.some((t) => tolerates(t, taint))) n++;
    return n;
  },
  normalize: (scores) => defaultNormalize(scores, true),
};

/** NodeAffinity: nodeSelector and required node affinity must match; preferred terms add their weights. */
export const nodeAffinityFilter: FilterPlugin = {
  name: 'NodeAffinity',
  preFilter: (pi) => (pi.pod.spec?.nodeSelector || pi.pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution ? undefined : 'skip'),
  filter: (pi, ni) => (ni.node && requiredNodeAffinityMatches(pi.pod, ni.node) ? undefined : fail("node(s) didn't match Pod's node affinity/selector", true)),
};

export const nodeAffinityScore: ScorePlugin = {
  name: 'NodeAffinity',
  weight: 2,
  preScore: (pi) => (pi.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length ? undefined : 'skip'),
  score: (pi, ni) => {
    let s = 0;
    if (!ni.node) return 0;
    for (const p of pi.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) if (p.weight !== 0 && termMatches(p.preference, ni.node)) s += p.weight;
    return s;
  },
  normalize: (scores) => defaultNormalize(scores, false),
};

/** Two host ports collide on the same protocol and port when their IPs are equal or either is 0.0.0.0. */
export const portsConflict = (a: HostPort, b: HostPort): boolean => a.port === b.port && a.protocol === b.protocol && (a.ip === b.ip || a.ip === '0.0.0.0' || b.ip === '0.0.0.0');

/** NodePorts: the pod's host ports are free on the node. */
export const nodePorts: FilterPlugin = {
  name: 'NodePorts',
  preFilter: (pi) => (pi.hostPorts.length ? undefined : 'skip'),
  filter: (pi, ni) => {
    for (const want of pi.hostPorts) for (const used of ni.usedPorts) if (portsConflict(want, used)) return fail("node(s) didn't have free ports for the requested pod ports");
    return undefined;
  },
};
