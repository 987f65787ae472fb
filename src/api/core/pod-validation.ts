/** PodSpec validation: the essentials upstream rejects, with its messages. */
import type { FieldError } from '../meta.js';
import { duplicate, invalid, notFound, notSupported, required } from '../field-errors.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, isValidPortName, isValidPortNum } from '../validation.js';
import { getList, getNum, getObj, getStr, type Obj } from './util.js';

const restartPolicies = ['Always', 'OnFailure', 'Never'];
const dnsPolicies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
/** Port protocols upstream supports, sorted as its NotSupported lists them. */
export const PROTOCOLS: readonly string[] = ['SCTP', 'TCP', 'UDP'];
const pullPolicies = ['Always', 'IfNotPresent', 'Never'];
const messagePolicies = ['File', 'FallbackToLogsOnError'];
const tolerationOperators = ['Equal', 'Exists'];
/** Taint effects upstream supports, in its order. */
export const TAINT_EFFECTS: readonly string[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function validatePorts(ports: Obj[], path: string, names: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  ports.forEach((p, i) => {
    const at = `${path}[${i}]`;
    const name = getStr(p, 'name') ?? '';
    if (name !== '') {
      for (const msg of isValidPortName(name)) errs.push(invalid(`${at}.name`, name, msg));
      if (names.has(name)) errs.push(duplicate(`${at}.name`, name));
      names.add(name);
    }
    const cp = getNum(p, 'containerPort') ?? 0;
    if (cp === 0) errs.push(required(`${at}.containerPort`));
    else for (const msg of isValidPortNum(cp)) errs.push(invalid(`${at}.containerPort`, cp, msg));
    const hp = getNum(p, 'hostPort') ?? 0;
    if (hp !== 0) for (const msg of isValidPortNum(hp)) errs.push(invalid(`${at}.hostPort`, hp, msg));
    const proto = getStr(p, 'protocol') ?? '';
    if (proto === '') errs.push(required(`${at}.protocol`));
    else if (!PROTOCOLS.includes(proto)) errs.push(notSupported(`${at}.protocol`, proto, PROTOCOLS));
  });
  return errs;
}

function validateContainers(list: Obj[], path: string, names: Set<string>, volumes: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  list.forEach((c, i) => {
    const at = `${path}[${i}]`;
    const name = getStr(c, 'name') ?? '';
    if (name === '') errs.push(required(`${at}.name`));
    else for (const msg of isDNS1123Label(name)) errs.push(invalid(`${at}.name`, name, msg));
    if (name !== '' && names.has(name)) errs.push(duplicate(`${at}.name`, name));
    names.add(name);
    const image = getStr(c, 'image') ?? '';
    if (image === '') errs.push(required(`${at}.image`));
    else if (image.trim() !== image)
      errs.push(invalid(`${at}.image`, image, 'must not have leading or trailing whitespace'));
    const pull = getStr(c, 'imagePullPolicy') ?? '';
    if (pull === '') errs.push(required(`${at}.imagePullPolicy`));
    else if (!pullPolicies.includes(pull)) errs.push(notSupported(`${at}.imagePullPolicy`, pull, pullPolicies));
    const tmp = getStr(c, 'terminationMessagePolicy') ?? '';
    if (tmp === '') errs.push(required(`${at}.terminationMessagePolicy`));
    else if (!messagePolicies.includes(tmp)) errs.push(notSupported(`${at}.terminationMessagePolicy`, tmp, messagePolicies));
    errs.push(...validatePorts(getList(c, 'ports'), `${at}.ports`, new Set()));
    getList(c, 'env').forEach((e, j) => {
      if (!getStr(e, 'name')) errs.push(required(`${at}.env[${j}].name`));
    });
    getList(c, 'volumeMounts').forEach((m, j) => {
      const mp = `${at}.volumeMounts[${j}]`;
      const vname = getStr(m, 'name') ?? '';
      if (vname === '') errs.push(required(`${mp}.name`));
      else if (!volumes.has(vname)) errs.push(notFound(`${mp}.name`, vname));
      if (!getStr(m, 'mountPath')) errs.push(required(`${mp}.mountPath`));
    });
  });
  return errs;
}

/** Upstream's checks of projected `serviceAccountToken` sources (a missing path is reported on `projected.path`, as upstream does). */
function validateTokenProjections(projected: Obj | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  getList(projected, 'sources').forEach((s, i) => {
    const token = getObj(s, 'serviceAccountToken');
    if (!token) return;
    const at = `${path}.sources[${i}].serviceAccountToken`;
    const seconds = getNum(token, 'expirationSeconds') ?? 0;
    if (seconds < 600) errs.push(invalid(`${at}.expirationSeconds`, seconds, 'may not specify a duration less than 10 minutes'));
    if (seconds > 2 ** 32) errs.push(invalid(`${at}.expirationSeconds`, seconds, 'may not specify a duration larger than 2^32 seconds'));
    if (!getStr(token, 'path')) errs.push(required(`${path}.path`));
  });
  return errs;
}

function validateVolumes(vols: Obj[], path: string): { errs: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  vols.forEach((v, i) => {
    const at = `${path}[${i}]`;
    const name = getStr(v, 'name') ?? '';
    if (name === '') errs.push(required(`${at}.name`));
    else for (const msg of isDNS1123Label(name)) errs.push(invalid(`${at}.name`, name, msg));
    if (name !== '' && names.has(name)) errs.push(duplicate(`${at}.name`, name));
    names.add(name);
    const sources = Object.keys(v).filter((k) => k !== 'name');
    if (sources.length === 0) errs.push(required(at, 'must specify a volume type'));
    else if (sources.length > 1) errs.push(invalid(at, sources.join(', '), 'may not specify more than 1 volume type'));
    errs.push(...validateTokenProjections(getObj(v, 'projected'), `${at}.projected`));
  });
  return { errs, names };
}

/** Validates one toleration list (also used for node taints' companions). */
export function validateTolerations(list: Obj[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  list.forEach((t, i) => {
    const at = `${path}[${i}]`;
    const key = getStr(t, 'key') ?? '';
    if (key !== '') for (const msg of isQualifiedName(key)) errs.push(invalid(`${at}.key`, key, msg));
    const op = getStr(t, 'operator') ?? 'Equal';
    if (!tolerationOperators.includes(op)) errs.push(notSupported(`${at}.operator`, op, tolerationOperators));
    if (key === '' && op !== 'Exists')
      errs.push(invalid(`${at}.operator`, op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    const value = getStr(t, 'value') ?? '';
    if (op === 'Exists' && value !== '') errs.push(invalid(`${at}.operator`, t, 'value must be empty when `operator` is \'Exists\''));
    if (op === 'Equal') for (const msg of isValidLabelValue(value)) errs.push(invalid(`${at}.value`, value, msg));
    const effect = getStr(t, 'effect') ?? '';
    if (effect !== '' && !TAINT_EFFECTS.includes(effect)) errs.push(notSupported(`${at}.effect`, effect, TAINT_EFFECTS));
    if (t.tolerationSeconds !== undefined && effect !== 'NoExecute')
      errs.push(invalid(`${at}.effect`, effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
  });
  return errs;
}

/** Validates a PodSpec at `path` (`spec`, or `spec.template.spec` for controllers). */
export function validatePodSpec(spec: Obj | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const { errs: volErrs, names: volumes } = validateVolumes(getList(spec, 'volumes'), `${path}.volumes`);
  errs.push(...volErrs);
  const names = new Set<string>();
  const containers = getList(spec, 'containers');
  if (containers.length === 0) errs.push(required(`${path}.containers`));
  errs.push(...validateContainers(getList(spec, 'initContainers'), `${path}.initContainers`, names, volumes));
  errs.push(...validateContainers(containers, `${path}.containers`, names, volumes));
  const rp = getStr(spec, 'restartPolicy') ?? '';
  if (rp === '') errs.push(required(`${path}.restartPolicy`));
  else if (!restartPolicies.includes(rp)) errs.push(notSupported(`${path}.restartPolicy`, rp, restartPolicies));
  const dp = getStr(spec, 'dnsPolicy') ?? '';
  if (dp === '') errs.push(required(`${path}.dnsPolicy`));
  else if (!dnsPolicies.includes(dp)) errs.push(notSupported(`${path}.dnsPolicy`, dp, dnsPolicies));
  const node = getStr(spec, 'nodeName') ?? '';
  if (node !== '') for (const msg of isDNS1123Subdomain(node)) errs.push(invalid(`${path}.nodeName`, node, msg));
  const ads = getNum(spec, 'activeDeadlineSeconds');
  if (ads !== undefined && (ads < 1 || ads > 2147483647))
    errs.push(invalid(`${path}.activeDeadlineSeconds`, ads, 'must be between 1 and 2147483647, inclusive'));
  const tgps = getNum(spec, 'terminationGracePeriodSeconds');
  if (tgps !== undefined && tgps < 0)
    errs.push(invalid(`${path}.terminationGracePeriodSeconds`, tgps, 'must be greater than or equal to 0'));
  const sa = getStr(spec, 'serviceAccountName') ?? '';
  if (sa !== '') for (const msg of isDNS1123Subdomain(sa)) errs.push(invalid(`${path}.serviceAccountName`, sa, msg));
  for (const [k, v] of Object.entries(getObj(spec, 'nodeSelector') ?? {})) {
    for (const msg of isQualifiedName(k)) errs.push(invalid(`${path}.nodeSelector`, k, msg));
    if (typeof v === 'string') for (const msg of isValidLabelValue(v)) errs.push(invalid(`${path}.nodeSelector`, v, msg));
  }
  errs.push(...validateTolerations(getList(spec, 'tolerations'), `${path}.tolerations`));
  return errs;
}
