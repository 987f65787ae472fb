/**
 * Completion indexes of Indexed Jobs: the `status.completedIndexes` text
 * (`1,3-5,7`, ascending intervals, as upstream writes it) and the index a
 * pod carries.
 */
import type { PodLike } from '../util/pods.js';

/** The annotation (and label) naming a pod's completion index. */
export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';

/** The indexes listed in `1,3-5,7` (bad parts ignored). */
export function parseIndexes(text: string | undefined): Set<number> {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    for (let i = from; i <= to; i++) out.add(i);
  }
  return out;
}

/** `1,3-5,7` from a set of indexes. */
export function formatIndexes(set: ReadonlySet<number>): string {
  const sorted = [...set].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    const start = sorted[i] ?? 0;
    let end = start;
    while (sorted[i + 1] === end + 1) {
      end++;
      i++;
    }
    i++;
    parts.push(start === end ? String(start) : `${String(start)}-${String(end)}`);
  }
  return parts.join(',');
}

/** The completion index of a pod, or undefined if it has none (or a bad one). */
export function podIndex(p: PodLike): number | undefined {
  const v = p.metadata.annotations?.[COMPLETION_INDEX] ?? p.metadata.labels?.[COMPLETION_INDEX];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}
