/** scheduling.k8s.io/v1 PriorityClass, and how a pod's priority is resolved from it. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { forbidden, invalid, notSupported } from '../field-errors.js';
import { setDefault } from '../core/util.js';

/** The highest value a user-defined class may have; above it only the system classes live. */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
/** The value of `system-cluster-critical`; `system-node-critical` is 1000 more. */
export const SYSTEM_CRITICAL_PRIORITY = 2 * HIGHEST_USER_DEFINABLE_PRIORITY;
/** Names with this prefix are reserved for the system classes. */
export const SYSTEM_PRIORITY_CLASS_PREFIX = 'system-';

/** The classes the API server creates at start, as upstream's bootstrap hook. */
export const systemPriorityClasses: readonly { name: string; value: number; description: string }[] = [
  { name: 'system-node-critical', value: SYSTEM_CRITICAL_PRIORITY + 1000, description: 'Used for system critical pods that must not be moved from their current node.' },
  { name: 'system-cluster-critical', value: SYSTEM_CRITICAL_PRIORITY, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' },
];

const preemptionPolicies = ['Never', 'PreemptLowerPriority'];

/** A PriorityClass as the scheduler and admission read it. */
export interface PriorityClass extends KubeObject {
  value?: number;
  globalDefault?: boolean;
  description?: string;
  preemptionPolicy?: string;
}

function defaults(obj: KubeObject): void {
  setDefault(obj, 'preemptionPolicy', 'PreemptLowerPriority');
}

/** Why a `system-` name is not one of the system classes as they are defined ('' if it is). */
function systemClassError(name: string, value: unknown, globalDefault: unknown): string {
  const known = systemPriorityClasses.find((c) => c.name === name);
  if (!known) return `${name} is not a known system priority class`;
  if (known.value !== value) return `value of ${name} PriorityClass must be ${String(known.value)}`;
  if (globalDefault === true) return `globalDefault of ${name} PriorityClass must be false`;
  return '';
}

/** ValidatePriorityClass and ValidatePriorityClassUpdate, with upstream's messages. */
function validate(obj: KubeObject, old?: KubeObject): FieldError[] {
  const pc = obj as PriorityClass;
  const errs: FieldError[] = [];
  const name = obj.metadata.name ?? '';
  if (name.startsWith(SYSTEM_PRIORITY_CLASS_PREFIX)) {
    const why = systemClassError(name, pc.value ?? 0, pc.globalDefault);
    if (why) errs.push(forbidden('metadata.name', `priority class names with '${SYSTEM_PRIORITY_CLASS_PREFIX}' prefix are reserved for system use only. error: ${why}`));
  } else if ((pc.value ?? 0) > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(forbidden('value', `maximum allowed value of a user defined priority is ${String(HIGHEST_USER_DEFINABLE_PRIORITY)}`));
  }
  if (pc.preemptionPolicy !== undefined && !preemptionPolicies.includes(pc.preemptionPolicy)) errs.push(notSupported('preemptionPolicy', pc.preemptionPolicy, preemptionPolicies));
  if (old) {
    const prev = old as PriorityClass;
    if ((pc.value ?? 0) !== (prev.value ?? 0)) errs.push(forbidden('value', 'may not be changed in an update.'));
    if (pc.preemptionPolicy !== prev.preemptionPolicy) errs.push(invalid('preemptionPolicy', pc.preemptionPolicy, 'field is immutable'));
  }
  return errs;
}

/** The `priorityclasses` resource (cluster-scoped). */
export const priorityClasses: ResourceDef = {
  group: 'scheduling.k8s.io',
  version: 'v1',
  resource: 'priorityclasses',
  singular: 'priorityclass',
  kind: 'PriorityClass',
  listKind: 'PriorityClassList',
  namespaced: false,
  shortNames: ['pc'],
  categories: [],
  hasStatus: false,
  fieldSelectors: {},
  defaults,
  validate,
};

/**
 * The global default class: the one marked `globalDefault`, the lowest
 * value if a race left several, as upstream picks.
 */
export function defaultPriorityClass(classes: Iterable<PriorityClass>): PriorityClass | undefined {
  let best: PriorityClass | undefined;
  for (const c of classes) if (c.globalDefault === true && (!best || (best.value ?? 0) > (c.value ?? 0))) best = c;
  return best;
}

/** What priority admission decided for a new pod, or why it refused it. */
export type PriorityResolution = { ok: true; priorityClassName: string; priority: number; preemptionPolicy: string } | { ok: false; message: string };

/**
 * Upstream's Priority admission for a pod being created: `priorityClassName`
 * names an existing class (else refused), or the global default class
 * applies, or priority 0; a `priority` or `preemptionPolicy` the client set
 * must agree with the class.
 */
export function resolvePodPriority(spec: { priorityClassName?: unknown; priority?: unknown; preemptionPolicy?: unknown }, find: (name: string) => PriorityClass | undefined, all: () => Iterable<PriorityClass>): PriorityResolution {
  const requested = typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '';
  let name = '';
  let priority = 0;
  let policy = 'PreemptLowerPriority';
  if (requested) {
    const pc = find(requested);
    if (!pc) return { ok: false, message: `no PriorityClass with name ${requested} was found` };
    name = requested;
    priority = pc.value ?? 0;
    policy = pc.preemptionPolicy ?? policy;
  } else {
    const dflt = defaultPriorityClass(all());
    if (dflt) {
      name = dflt.metadata.name ?? '';
      priority = dflt.value ?? 0;
      policy = dflt.preemptionPolicy ?? policy;
    }
  }
  if (typeof spec.priority === 'number' && spec.priority !== priority)
    return { ok: false, message: `the integer value of priority (${String(spec.priority)}) must not be provided in pod spec; priority admission controller computed ${String(priority)} from the given PriorityClass name` };
  if (typeof spec.preemptionPolicy === 'string' && spec.preemptionPolicy !== policy)
    return { ok: false, message: `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name` };
  return { ok: true, priorityClassName: name, priority, preemptionPolicy: policy };
}
