/**
 * Job defaulting: the schema defaults of batch/v1 (SetDefaults_Job) and, as
 * upstream's create strategy, the generated selector and pod labels keyed
 * by the Job's uid (unless `spec.manualSelector` is true).
 */
import type { KubeObject } from '../meta.js';
import { defaultPodSpec } from '../core/index.js';
import { ensureObj, getList, getObj, getStrMap, setDefault, type Obj } from '../core/util.js';

/** The label (and selector key) carrying the Job's uid. */
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
/** The pre-1.27 spelling of CONTROLLER_UID_LABEL, still set. */
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
/** The label carrying the Job's name. */
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
/** The pre-1.27 spelling of JOB_NAME_LABEL, still set. */
export const LEGACY_JOB_NAME_LABEL = 'job-name';

const MAX_INT32 = 2147483647;

/** SetDefaults_Job for a JobSpec: counts, backoff, completion mode, suspend, pod replacement. */
export function defaultJobSpec(spec: Obj): void {
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'backoffLimit', spec.backoffLimitPerIndex == null ? 6 : MAX_INT32);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  const pfp = getObj(spec, 'podFailurePolicy');
  for (const rule of getList(pfp, 'rules')) for (const pattern of getList(rule, 'onPodConditions')) setDefault(pattern, 'status', 'True');
  setDefault(spec, 'podReplacementPolicy', pfp ? 'Failed' : 'TerminatingOrFailed');
}

/** Upstream's generateSelector: job-name and controller-uid labels on the template, the uid in the selector. */
function generateSelector(obj: KubeObject, spec: Obj, uid: string): void {
  const meta = ensureObj(ensureObj(spec, 'template'), 'metadata');
  const labels = ensureObj(meta, 'labels');
  // A label the user set is kept; a conflict is reported by validation.
  for (const key of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) setDefault(labels, key, obj.metadata.name ?? '');
  for (const key of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) setDefault(labels, key, uid);
  const matchLabels = ensureObj(ensureObj(spec, 'selector'), 'matchLabels');
  setDefault(matchLabels, CONTROLLER_UID_LABEL, uid);
}

/** All Job defaults; the selector is generated once the object has its uid (always so on create). */
export function defaultJob(obj: KubeObject): void {
  const spec = ensureObj(obj, 'spec');
  defaultJobSpec(spec);
  const uid = obj.metadata.uid ?? '';
  if (spec.manualSelector !== true && uid !== '') generateSelector(obj, spec, uid);
  const template = ensureObj(spec, 'template');
  defaultPodSpec(ensureObj(template, 'spec'));
  // Upstream copies the template's labels (the generated ones included, as a read-back shows) to an unlabelled Job.
  const labels = getStrMap(getObj(template, 'metadata'), 'labels');
  if (labels && Object.keys(obj.metadata.labels ?? {}).length === 0) obj.metadata.labels = { ...labels };
}
