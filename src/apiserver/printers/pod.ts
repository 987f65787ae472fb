import type { KubeObject } from '../../api/meta.js';
import { age, arr, get, str, type Cell, type Loose } from './helpers.js';

// Upstream's printPod: the Ready, Status and Restarts cells, with init
// containers (and restartable "sidecar" init containers), the
// SchedulingGated and Terminating reasons, and `N (Xm ago)` restarts.

const isRestartable = (c: Loose | undefined) => get(c, 'restartPolicy') === 'Always';
const hasCondition = (pod: KubeObject, type: string) => arr(get(pod, 'status', 'conditions')).some((c) => get(c, 'type') === type && get(c, 'status') === 'True');
const terminatedAt = (c: Loose): number => {
  const t = get(c, 'lastState', 'terminated', 'finishedAt');
  return typeof t === 'string' ? Date.parse(t) : 0;
};
const terminatedReason = (t: unknown, prefix: string): string => {
  const reason = str(get(t, 'reason'), '');
  if (reason) return `${prefix}${reason}`;
  const signal = Number(get(t, 'signal') ?? 0);
  return signal ? `${prefix}Signal:${signal}` : `${prefix}ExitCode:${Number(get(t, 'exitCode') ?? 0)}`;
};

/** The Ready, Status and Restarts cells of a pod, as upstream's printPod. */
export function podCells(pod: KubeObject, now: Date): [string, string, string] {
  const phase = str(get(pod, 'status', 'phase'), '');
  let reason = str(get(pod, 'status', 'reason'), phase);
  if (arr(get(pod, 'status', 'conditions')).some((c) => get(c, 'type') === 'PodScheduled' && get(c, 'reason') === 'SchedulingGated')) reason = 'SchedulingGated';

  const initSpecs = new Map(arr(get(pod, 'spec', 'initContainers')).map((c) => [str(get(c, 'name'), ''), c] as const));
  let total = arr(get(pod, 'spec', 'containers')).length + [...initSpecs.values()].filter(isRestartable).length;
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  let sidecarRestarts = 0;
  let lastSidecarRestart = 0;
  let initializing = false;
  const initStatuses = arr(get(pod, 'status', 'initContainerStatuses'));
  for (const [i, c] of initStatuses.entries()) {
    restarts += Number(get(c, 'restartCount') ?? 0);
    lastRestart = Math.max(lastRestart, terminatedAt(c));
    const sidecar = isRestartable(initSpecs.get(str(get(c, 'name'), '')));
    if (sidecar) {
      sidecarRestarts += Number(get(c, 'restartCount') ?? 0);
      lastSidecarRestart = Math.max(lastSidecarRestart, terminatedAt(c));
    }
    const terminated = get(c, 'state', 'terminated');
    const waiting = str(get(c, 'state', 'waiting', 'reason'), '');
    if (terminated && Number(get(terminated, 'exitCode') ?? 0) === 0) continue;
    if (sidecar && get(c, 'started') === true) {
      if (get(c, 'ready') === true) ready++;
      continue;
    }
    if (terminated) reason = terminatedReason(terminated, 'Init:');
    else if (waiting && waiting !== 'PodInitializing') reason = `Init:${waiting}`;
    else reason = `Init:${i}/${initSpecs.size}`;
    initializing = true;
    break;
  }

  if (!initializing || hasCondition(pod, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let running = false;
    // Last to first, so that the first container's state is the one shown.
    for (const c of arr(get(pod, 'status', 'containerStatuses')).reverse()) {
      restarts += Number(get(c, 'restartCount') ?? 0);
      lastRestart = Math.max(lastRestart, terminatedAt(c));
      const waiting = str(get(c, 'state', 'waiting', 'reason'), '');
      const terminated = get(c, 'state', 'terminated');
      if (waiting) reason = waiting;
      else if (terminated) reason = terminatedReason(terminated, '');
      else if (get(c, 'ready') === true && get(c, 'state', 'running') !== undefined) {
        running = true;
        ready++;
      }
    }
    if (reason === 'Completed' && running) reason = hasCondition(pod, 'Ready') ? 'Running' : 'NotReady';
  }

  if (pod.metadata.deletionTimestamp && get(pod, 'status', 'reason') === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  total = Math.max(total, 0);
  const restartCell = restarts !== 0 && lastRestart > 0 ? `${restarts} (${age(new Date(lastRestart).toISOString(), now)} ago)` : String(restarts);
  return [`${ready}/${total}`, reason, restartCell];
}

/** The wide cells of a pod: IP, node, nominated node and readiness gates. */
export function podWideCells(pod: KubeObject): Cell[] {
  const gates = arr(get(pod, 'spec', 'readinessGates'));
  const conditions = arr(get(pod, 'status', 'conditions'));
  const trueGates = gates.filter((g) => get(conditions.find((c) => get(c, 'type') === get(g, 'conditionType')), 'status') === 'True').length;
  const ip = str(get(arr(get(pod, 'status', 'podIPs'))[0], 'ip'), str(get(pod, 'status', 'podIP')));
  return [ip, str(get(pod, 'spec', 'nodeName')), str(get(pod, 'status', 'nominatedNodeName')), gates.length ? `${trueGates}/${gates.length}` : '<none>'];
}
