import { appsTables } from './schema-apps.js';
import { authTables } from './schema-auth.js';
import { autoscalingTables } from './schema-autoscaling.js';
import { batchTables } from './schema-batch.js';
import { containerTables } from './schema-container.js';
import { coreTables } from './schema-core.js';
import { metaTables } from './schema-meta.js';
import { podTables } from './schema-pod.js';
import { volumeTables } from './schema-volume.js';

/**
 * A message table: field number → `"jsonName type"`. The type is one of
 * string (the default when omitted), bool, int32, int64, double, bytes, a
 * well-known type (Time, MicroTime, Duration, IntOrString, Quantity,
 * RawExtension, FieldsV1) or a message name; `[]T` is repeated, `map` is
 * map<string,string> and `map<T>` map<string,T>. The json name `...` marks
 * an embedded struct whose fields JSON inlines into the parent. A trailing
 * `?` keeps a zero scalar (a Go pointer such as `replicas *int32`, or a field
 * without omitempty); other scalars that are zero are dropped, since gogo
 * protobuf writes every non-pointer field and Go's JSON would omit them.
 */
export type MessageTable = Readonly<Record<number, string>>;

/** Scalar and well-known field types, decoded without a table. */
export type ScalarType = 'string' | 'bool' | 'int32' | 'int64' | 'double' | 'bytes';

/** Types whose JSON form is not their message shape. */
export type WellKnownType = 'Time' | 'MicroTime' | 'Duration' | 'IntOrString' | 'Quantity' | 'RawExtension' | 'FieldsV1';

/** The value type of one field, parsed from its table entry. */
export type ValueType = { readonly scalar: ScalarType } | { readonly wellKnown: WellKnownType } | { readonly message: string };

/** One field of a message, parsed from its table entry. */
export interface FieldSpec {
  readonly json: string;
  readonly inline: boolean;
  readonly shape: 'single' | 'repeated' | 'map';
  readonly type: ValueType;
  /** Keep the value even when it is zero ('', 0, false). */
  readonly keepZero: boolean;
}

const scalars: ReadonlySet<string> = new Set<ScalarType>(['string', 'bool', 'int32', 'int64', 'double', 'bytes']);
const wellKnown: ReadonlySet<string> = new Set<WellKnownType>(['Time', 'MicroTime', 'Duration', 'IntOrString', 'Quantity', 'RawExtension', 'FieldsV1']);

/** Every message table skiff knows, by message name. */
export const messages: Readonly<Record<string, MessageTable>> = {
  ...metaTables,
  ...coreTables,
  ...podTables,
  ...containerTables,
  ...volumeTables,
  ...appsTables,
  ...batchTables,
  ...authTables,
  ...autoscalingTables,
};

/** The top-level message for each `apiVersion/kind` a protobuf body may carry. */
export const kinds: Readonly<Record<string, string>> = {
  'v1/Namespace': 'Namespace',
  'v1/ConfigMap': 'ConfigMap',
  'v1/Secret': 'Secret',
  'v1/ServiceAccount': 'ServiceAccount',
  'v1/Service': 'Service',
  'v1/Endpoints': 'Endpoints',
  'v1/Event': 'Event',
  'v1/Node': 'Node',
  'v1/Pod': 'Pod',
  'v1/PodTemplate': 'PodTemplate',
  'v1/ReplicationController': 'ReplicationController',
  'v1/ResourceQuota': 'ResourceQuota',
  'v1/Binding': 'Binding',
  'v1/DeleteOptions': 'DeleteOptions',
  'meta.k8s.io/v1/DeleteOptions': 'DeleteOptions',
  'apps/v1/Deployment': 'Deployment',
  'batch/v1/Job': 'Job',
  'batch/v1/CronJob': 'CronJob',
  'autoscaling/v1/Scale': 'Scale',
  'autoscaling/v1/HorizontalPodAutoscaler': 'HorizontalPodAutoscalerV1',
  'autoscaling/v2/HorizontalPodAutoscaler': 'HorizontalPodAutoscaler',
  'policy/v1/Eviction': 'Eviction',
  'policy/v1/PodDisruptionBudget': 'PodDisruptionBudget',
  'coordination.k8s.io/v1/Lease': 'Lease',
  'rbac.authorization.k8s.io/v1/Role': 'Role',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'ClusterRole',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'RoleBinding',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'ClusterRoleBinding',
  'networking.k8s.io/v1/Ingress': 'Ingress',
  'scheduling.k8s.io/v1/PriorityClass': 'PriorityClass',
  'authorization.k8s.io/v1/SelfSubjectAccessReview': 'SelfSubjectAccessReview',
  'authorization.k8s.io/v1/SelfSubjectRulesReview': 'SelfSubjectRulesReview',
  'authorization.k8s.io/v1/SubjectAccessReview': 'SubjectAccessReview',
  'authorization.k8s.io/v1/LocalSubjectAccessReview': 'SubjectAccessReview',
  'authentication.k8s.io/v1/SelfSubjectReview': 'SelfSubjectReview',
  'authentication.k8s.io/v1beta1/SelfSubjectReview': 'SelfSubjectReview',
  'authentication.k8s.io/v1/TokenReview': 'TokenReview',
  'authentication.k8s.io/v1/TokenRequest': 'TokenRequest',
};

function parseType(t: string): ValueType {
  if (scalars.has(t)) return { scalar: t as ScalarType };
  if (wellKnown.has(t)) return { wellKnown: t as WellKnownType };
  return { message: t };
}

/** Parse one table entry (`"ports []ServicePort"`) into a FieldSpec. */
export function parseField(entry: string): FieldSpec {
  const [json = '', spec = 'string'] = entry.split(' ');
  const keepZero = spec.endsWith('?');
  const type = keepZero ? spec.slice(0, -1) : spec;
  const base = { json, inline: json === '...', keepZero };
  if (type.startsWith('[]')) return { ...base, shape: 'repeated', type: parseType(type.slice(2)) };
  if (type === 'map') return { ...base, shape: 'map', type: { scalar: 'string' } };
  const m = /^map<(.+)>$/.exec(type);
  if (m?.[1]) return { ...base, shape: 'map', type: parseType(m[1]) };
  return { ...base, shape: 'single', type: parseType(type) };
}

const parsed = new Map<string, ReadonlyMap<number, FieldSpec>>();

/** The parsed fields of a message by number, or undefined for an unknown message. */
export function messageFields(name: string): ReadonlyMap<number, FieldSpec> | undefined {
  const cached = parsed.get(name);
  if (cached) return cached;
  const table = messages[name];
  if (!table) return undefined;
  const fields = new Map(Object.entries(table).map(([n, e]) => [Number(n), parseField(e)] as const));
  parsed.set(name, fields);
  return fields;
}
