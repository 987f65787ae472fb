/**
 * A container's environment as upstream's kubelet makes it
 * (makeEnvironmentVariables): `envFrom` sources first, then `env` in order,
 * each `value` expanded against the variables defined before it; then
 * `$(VAR)` references in `command` and `args` expanded against the result.
 */
import { DownwardError, fieldRefValue, resourceFieldRefValue, type Allocatable, type DownwardContainer, type DownwardPod } from './downward.js';

interface KeyRef {
  readonly name?: string;
  readonly key: string;
  readonly optional?: boolean;
}

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly fieldRef?: { readonly fieldPath: string };
    readonly resourceFieldRef?: { readonly containerName?: string; readonly resource: string; readonly divisor?: string | number };
    readonly configMapKeyRef?: KeyRef;
    readonly secretKeyRef?: KeyRef;
  };
}

export interface EnvFromSource {
  readonly prefix?: string;
  readonly configMapRef?: { readonly name?: string; readonly optional?: boolean };
  readonly secretRef?: { readonly name?: string; readonly optional?: boolean };
}

export interface EnvContainer extends DownwardContainer {
  readonly env?: readonly EnvVar[];
  readonly envFrom?: readonly EnvFromSource[];
  readonly command?: readonly string[];
  readonly args?: readonly string[];
}

/** Reads ConfigMaps and Secrets of the pod's namespace; undefined when absent. Secret data is base64, as stored. */
export interface EnvSources {
  configMap(name: string): Promise<{ data?: Record<string, string> } | undefined>;
  secret(name: string): Promise<{ data?: Record<string, string> } | undefined>;
  /** The node's allocatable, for `limits.*` a container does not set. */
  readonly allocatable: Allocatable;
}

/** What {@link containerEnv} found. */
export interface ContainerEnv {
  /** Name and value, in the order they were first defined. */
  readonly env: readonly (readonly [string, string])[];
  /** Upstream's Warning events: `InvalidEnvironmentVariableNames` messages for skipped `envFrom` keys. */
  readonly warnings: readonly string[];
}

/** A reference that cannot be resolved: the container waits with reason CreateContainerConfigError and this message. */
export class EnvError extends Error {
  override readonly name = 'EnvError';
}

/** Upstream's relaxed rule (RelaxedEnvironmentVariableValidation): printable ASCII other than `=`. */
const validName = (k: string) => /^[\x20-\x3c\x3e-\x7e]+$/.test(k);

/**
 * Expand `$(NAME)` references in `text` from `lookup` (upstream's
 * third_party expansion): an unknown name stays as written, `$$` is a
 * literal `$`, any other `$` is kept.
 */
export function expand(text: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (ch !== '$' || i + 1 >= text.length) {
      out += ch;
      continue;
    }
    const next = text.charAt(i + 1);
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = text.indexOf(')', i + 2);
      if (close < 0) {
        out += text.slice(i);
        break;
      }
      const name = text.slice(i + 2, close);
      const value = name ? lookup(name) : undefined;
      out += value ?? `$(${name})`;
      i = close;
    } else {
      out += `$${next}`;
      i++;
    }
  }
  return out;
}

const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

/** The environment of `container` in `pod`; throws EnvError for a required reference that is missing. */
export async function containerEnv(pod: DownwardPod, container: EnvContainer, sources: EnvSources): Promise<ContainerEnv> {
  const ns = pod.metadata.namespace ?? '';
  const vars = new Map<string, string>();
  const warnings: string[] = [];
  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    const kind = from.configMapRef ? 'configMap' : 'secret';
    if (!ref) continue;
    const name = ref.name ?? '';
    const obj = from.configMapRef ? await sources.configMap(name) : await sources.secret(name);
    if (!obj) {
      if (ref.optional) continue;
      throw new EnvError(`${kind} "${name}" not found`);
    }
    const invalid: string[] = [];
    for (const [k, v] of Object.entries(obj.data ?? {})) {
      const key = `${from.prefix ?? ''}${k}`;
      if (!validName(key)) invalid.push(key);
      else vars.set(key, from.configMapRef ? v : b64(v));
    }
    if (invalid.length) warnings.push(`Keys [${invalid.sort().join(', ')}] from the EnvFrom ${kind} ${ns}/${name} were skipped since they are considered invalid environment variable names.`);
  }
  for (const e of container.env ?? []) vars.set(e.name, await envValue(pod, container, e, vars, sources));
  return { env: [...vars], warnings };
}

async function envValue(pod: DownwardPod, container: EnvContainer, e: EnvVar, defined: ReadonlyMap<string, string>, sources: EnvSources): Promise<string> {
  const from = e.valueFrom;
  if (!from) return expand(e.value ?? '', (n) => defined.get(n));
  const ns = pod.metadata.namespace ?? '';
  try {
    if (from.fieldRef) return fieldRefValue(pod, from.fieldRef.fieldPath);
    if (from.resourceFieldRef) {
      const r = from.resourceFieldRef;
      return resourceFieldRefValue(pod, r.containerName || container.name, r.resource, r.divisor, sources.allocatable);
    }
  } catch (err) {
    if (err instanceof DownwardError) throw new EnvError(err.message);
    throw err;
  }
  const ref = from.configMapKeyRef ?? from.secretKeyRef;
  if (!ref) return '';
  const kind = from.configMapKeyRef ? 'ConfigMap' : 'Secret';
  const name = ref.name ?? '';
  const obj = from.configMapKeyRef ? await sources.configMap(name) : await sources.secret(name);
  const raw = obj?.data?.[ref.key];
  if (raw !== undefined) return from.configMapKeyRef ? raw : b64(raw);
  if (ref.optional) return '';
  if (!obj) throw new EnvError(`${kind.toLowerCase()} "${name}" not found`);
  throw new EnvError(`couldn't find key ${ref.key} in ${kind} ${ns}/${name}`);
}

/** `command` and `args` with `$(VAR)` expanded from the container's environment, as upstream's ExpandContainerCommandAndArgs. */
export function expandCommand(container: EnvContainer, env: ContainerEnv): { command: string[]; args: string[] } {
  const vars = new Map(env.env);
  const lookup = (n: string) => vars.get(n);
  return { command: (container.command ?? []).map((c) => expand(c, lookup)), args: (container.args ?? []).map((a) => expand(a, lookup)) };
}
