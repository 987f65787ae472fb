import type { KubeObject } from '../../api/meta.js';
import { fromLabelSelector, type LabelSelectorSpec } from '../../api/labels.js';
import { age, ageCol, arr, col, get, humanDuration, nameCol, str, type Printer } from './helpers.js';

/** metav1.FormatLabelSelector: `a=b,c in (d)`, `<none>` when empty or nil, `<error>` when invalid. */
export function formatLabelSelector(v: unknown): string {
  try {
    const sel = v && typeof v === 'object' ? (v as LabelSelectorSpec) : undefined;
    return fromLabelSelector(sel).toString() || '<none>';
  } catch {
    return '<error>';
  }
}

/** layoutContainerCells: the names and the images of a pod spec's containers. */
function containerCells(podSpec: unknown): [string, string] {
  const cs = arr(get(podSpec, 'containers'));
  return [cs.map((c) => str(get(c, 'name'), '')).join(','), cs.map((c) => str(get(c, 'image'), '')).join(',')];
}

const hasCondition = (o: KubeObject, type: string) => arr(get(o, 'status', 'conditions')).some((c) => get(c, 'type') === type && get(c, 'status') === 'True');
const num = (v: unknown) => (typeof v === 'number' ? v : 0);

/** The Job's Status column (since 1.30): its terminal or suspended state, else Running. */
function jobStatus(o: KubeObject): string {
  if (hasCondition(o, 'Complete')) return 'Complete';
  if (hasCondition(o, 'Failed')) return 'Failed';
  if (o.metadata.deletionTimestamp) return 'Terminating';
  if (hasCondition(o, 'Suspended')) return 'Suspended';
  if (hasCondition(o, 'FailureTarget')) return 'FailureTarget';
  if (hasCondition(o, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

/** The Completions column: `succeeded/completions`, or `n/1 of parallelism` for a work queue. */
function jobCompletions(o: KubeObject): string {
  const succeeded = num(get(o, 'status', 'succeeded'));
  const completions = get(o, 'spec', 'completions');
  if (typeof completions === 'number') return `${succeeded}/${completions}`;
  const parallelism = num(get(o, 'spec', 'parallelism'));
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** The Duration column: from start to completion, or to now while running; empty before start. */
function jobDuration(o: KubeObject, now: Date): string {
  const start = get(o, 'status', 'startTime');
  if (typeof start !== 'string') return '';
  const end = get(o, 'status', 'completionTime');
  return humanDuration((typeof end === 'string' ? Date.parse(end) : now.getTime()) - Date.parse(start));
}

const boolPtr = (v: unknown) => (typeof v === 'boolean' ? (v ? 'True' : 'False') : '<unset>');
const wide = [col('Containers', 1), col('Images', 1), col('Selector', 1)];

/** Printers of the batch/v1 kinds, by kind. */
export const batchPrinters: Record<string, Printer> = {
  Job: {
    columns: [nameCol, col('Status'), col('Completions'), col('Duration'), ageCol, ...wide],
    row: (o, now) => [o.metadata.name ?? '', jobStatus(o), jobCompletions(o), jobDuration(o, now), age(o.metadata.creationTimestamp, now), ...containerCells(get(o, 'spec', 'template', 'spec')), formatLabelSelector(get(o, 'spec', 'selector'))],
  },
  CronJob: {
    columns: [nameCol, col('Schedule'), col('Timezone'), col('Suspend'), col('Active', 0, 'integer'), col('Last Schedule'), ageCol, ...wide],
    row: (o, now) => {
      const last = get(o, 'status', 'lastScheduleTime');
      const jobSpec = get(o, 'spec', 'jobTemplate', 'spec');
      return [o.metadata.name ?? '', str(get(o, 'spec', 'schedule'), ''), str(get(o, 'spec', 'timeZone')), boolPtr(get(o, 'spec', 'suspend')), arr(get(o, 'status', 'active')).length, typeof last === 'string' ? age(last, now) : '<none>', age(o.metadata.creationTimestamp, now), ...containerCells(get(jobSpec, 'template', 'spec')), formatLabelSelector(get(jobSpec, 'selector'))];
    },
  },
};
