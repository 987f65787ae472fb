/** The parts of batch/v1 Job the Job and TTL-after-finished controllers read and write. */
import type { KubeObject } from '../../api/meta.js';

export interface JobCondition {
  type: string;
  status: string;
  lastProbeTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface JobStatus {
  active?: number;
  succeeded?: number;
  failed?: number;
  ready?: number;
  terminating?: number;
  startTime?: string;
  completionTime?: string;
  completedIndexes?: string;
  uncountedTerminatedPods?: { succeeded?: string[]; failed?: string[] };
  conditions?: JobCondition[];
}

export interface Job extends KubeObject {
  spec: {
    parallelism?: number;
    completions?: number;
    backoffLimit?: number;
    activeDeadlineSeconds?: number;
    ttlSecondsAfterFinished?: number;
    completionMode?: string;
    suspend?: boolean;
    selector?: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
    template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: Record<string, unknown> };
  };
  status?: JobStatus;
}

/** The condition of `type` that is True, if any. */
export const trueCondition = (job: Job, type: string): JobCondition | undefined => job.status?.conditions?.find((c) => c.type === type && c.status === 'True');

/** Complete or Failed: the Job will create no more pods. */
export const jobFinished = (job: Job): JobCondition | undefined => trueCondition(job, 'Complete') ?? trueCondition(job, 'Failed');
