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

/** The parts of a Service its environment variables come from. */
export interface EnvService {
  readonly metadata: { readonly name?: string; readonly namespace?: string };
  readonly spec?: { readonly clusterIP?: string; readonly ports?: readonly { readonly name?: string; readonly port: number; readonly protocol?: string }[] };
}

/** Reads ConfigMaps and Secrets of the pod's namespace; undefined when absent. Secret data is base64, as stored. */
export interface EnvSources {
  /** Services of the pod's namespace and the `kubernetes` Service of `default`, for the service links (absent: none). */
  readonly services?: readonly EnvService[];
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
export async function containerEnv(pod: DownwardPod & { spec?: { enableServiceLinks?: boolean } }, container: EnvContainer, sources: EnvSources): Promise<ContainerEnv> {
  const ns = pod.metadata.namespace ?? '';
  const services = serviceEnv(sources.services ?? [], ns, pod.spec?.enableServiceLinks ?? true);
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
  for (const e of container.env ?? []) vars.set(e.name, await envValue(pod, container, e, (n) => vars.get(n) ?? services.get(n), sources));
  // Service links come last and never override the container's own variables.
  for (const [k, v] of services) if (!vars.has(k)) vars.set(k, v);
  return { env: [...vars], warnings };
}

/** `my-svc` → `MY_SVC`, as upstream's makeEnvVariableName. */
const envName = (service: string) => service.toUpperCase().replace(/-/g, '_');

/**
 * The service links of a pod in `namespace` (upstream's getServiceEnvVarMap
 * and envvars.FromServices): for each Service with a cluster IP, of the
 * namespace when `enableServiceLinks`, and always `default/kubernetes`:
 * `X_SERVICE_HOST`, `X_SERVICE_PORT`, `X_SERVICE_PORT_NAME` per named port,
 * and Docker's link variables `X_PORT`, `X_PORT_80_TCP`, `…_PROTO`, `…_PORT`, `…_ADDR`.
 */
export function serviceEnv(services: readonly EnvService[], namespace: string, enableServiceLinks: boolean): Map<string, string> {
  const chosen = new Map<string, EnvService>();
  for (const s of services) {
    const name = s.metadata.name ?? '';
    const ip = s.spec?.clusterIP;
    if (!ip || ip === 'None') continue;
    if (s.metadata.namespace === 'default' && name === 'kubernetes') {
      if (!chosen.has(name)) chosen.set(name, s);
    } else if (s.metadata.namespace === namespace && enableServiceLinks) chosen.set(name, s);
  }
  const out = new Map<string, string>();
  for (const [name, s] of chosen) {
    const prefix = envName(name);
    const ip = s.spec?.clusterIP ?? '';
    const ports = s.spec?.ports ?? [];
    out.set(`${prefix}_SERVICE_HOST`, ip);
    if (ports[0]) out.set(`${prefix}_SERVICE_PORT`, String(ports[0].port));
    for (const p of ports) if (p.name) out.set(`${prefix}_SERVICE_PORT_${envName(p.name)}`, String(p.port));
    ports.forEach((p, i) => {
      const proto = (p.protocol ?? 'TCP').toUpperCase();
      const hostPort = ip.includes(':') ? `[${ip}]:${String(p.port)}` : `${ip}:${String(p.port)}`;
      const url = `${proto.toLowerCase()}://${hostPort}`;
      if (i === 0) out.set(`${prefix}_PORT`, url);
      const pp = `${prefix}_PORT_${String(p.port)}_${proto}`;
      out.set(pp, url);
      out.set(`${pp}_PROTO`, proto.toLowerCase());
      out.set(`${pp}_PORT`, String(p.port));
      out.set(`${pp}_ADDR`, ip);
    });
  }
  return out;
}

async function envValue(pod: DownwardPod, container: EnvContainer, e: EnvVar, defined: (name: string) => string | undefined, sources: EnvSources): Promise<string> {
  const from = e.valueFrom;
  if (!from) return expand(e.value ?? '', defined);
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
