/**
 * Pod defaulting: the schema defaults that every pod template gets
 * (SetDefaults_PodSpec and friends) and the admission-time ones that only
 * pods get (service account, DefaultTolerationSeconds).
 */
import type { KubeObject } from '../meta.js';
import { ensureObj, getList, getObj, getStr, isObj, setDefault, type Obj } from './util.js';

/** Tolerations added by DefaultTolerationSeconds: 300 s on not-ready and unreachable. */
export const DEFAULT_TOLERATION_SECONDS = 300;

/** The tag of an image reference (`latest` when neither tag nor digest is given). */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return ref.slice(colon + 1);
  return at >= 0 ? '' : 'latest';
}

function defaultProbe(p: Obj | undefined): void {
  if (!p) return;
  setDefault(p, 'timeoutSeconds', 1);
  setDefault(p, 'periodSeconds', 10);
  setDefault(p, 'successThreshold', 1);
  setDefault(p, 'failureThreshold', 3);
  const http = getObj(p, 'httpGet');
  if (http) {
    setDefault(http, 'path', '/');
    setDefault(http, 'scheme', 'HTTP');
  }
}

function defaultContainer(c: Obj, hostNetwork: boolean): void {
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(getStr(c, 'image') ?? '') === 'latest' ? 'Always' : 'IfNotPresent';
  for (const port of getList(c, 'ports')) {
    setDefault(port, 'protocol', 'TCP');
    if (hostNetwork && port.hostPort === undefined) port.hostPort = port.containerPort;
  }
  for (const env of getList(c, 'env')) {
    const ref = getObj(getObj(env, 'valueFrom'), 'fieldRef');
    if (ref) setDefault(ref, 'apiVersion', 'v1');
  }
  const res = getObj(c, 'resources');
  const limits = getObj(res, 'limits');
  if (res && limits) {
    const requests = ensureObj(res, 'requests');
    for (const [k, v] of Object.entries(limits)) setDefault(requests, k, v);
  }
  defaultProbe(getObj(c, 'livenessProbe'));
  defaultProbe(getObj(c, 'readinessProbe'));
  defaultProbe(getObj(c, 'startupProbe'));
}

const volumeSources = ['configMap', 'secret', 'projected', 'downwardAPI'];

function defaultVolume(v: Obj): void {
  const sources = Object.keys(v).filter((k) => k !== 'name');
  if (sources.length === 0) v.emptyDir = {};
  for (const k of volumeSources) {
    const src = getObj(v, k);
    if (src) setDefault(src, 'defaultMode', 420);
  }
  // SetDefaults_ServiceAccountTokenProjection: an hour.
  for (const s of getList(getObj(v, 'projected'), 'sources')) {
    const token = getObj(s, 'serviceAccountToken');
    if (token) setDefault(token, 'expirationSeconds', 3600);
  }
}

/** Schema defaults of a PodSpec (also applied to every pod template). */
export function defaultPodSpec(spec: Obj): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'enableServiceLinks', true);
  const hostNetwork = spec.hostNetwork === true;
  for (const c of [...getList(spec, 'initContainers'), ...getList(spec, 'containers')]) defaultContainer(c, hostNetwork);
  for (const v of getList(spec, 'volumes')) defaultVolume(v);
  for (const t of getList(spec, 'tolerations')) if (t.operator === undefined && t.value === undefined) t.operator = 'Exists';
}

const defaultTolerations = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

/** Admission-time pod defaults: service account, default tolerations. */
export function admitPodSpec(spec: Obj): void {
  const sa = getStr(spec, 'serviceAccountName') || getStr(spec, 'serviceAccount') || 'default';
  spec.serviceAccountName = sa;
  spec.serviceAccount = sa;
  const tolerations = getList(spec, 'tolerations');
  for (const key of defaultTolerations) {
    // Any toleration naming the key (or every key) for NoExecute (or every effect)
    // counts, whatever its operator, as upstream's admission plugin decides.
    const tolerated = tolerations.some((t) => (t.key === key || (t.key ?? '') === '') && (t.effect === 'NoExecute' || (t.effect ?? '') === ''));
    if (!tolerated)
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS });
  }
  spec.tolerations = tolerations;
  // priority and preemptionPolicy come from the pod's PriorityClass: the API
  // server's priority admission (src/apiserver/priority.ts) sets them on create.
}

function qosClass(spec: Obj): string {
  const containers = [...getList(spec, 'initContainers'), ...getList(spec, 'containers')];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const res = getObj(c, 'resources');
    const req = getObj(res, 'requests') ?? {};
    const lim = getObj(res, 'limits') ?? {};
    if (Object.keys(req).length + Object.keys(lim).length > 0) any = true;
    for (const r of ['cpu', 'memory']) {
      if (lim[r] === undefined || (req[r] !== undefined && JSON.stringify(req[r]) !== JSON.stringify(lim[r]))) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** All pod defaults: schema, admission, and a new pod's `status` (phase Pending, QoS class). */
export function defaultPod(obj: KubeObject): void {
  const spec = ensureObj(obj, 'spec');
  defaultPodSpec(spec);
  admitPodSpec(spec);
  const status = isObj(obj.status) ? obj.status : (obj.status = {});
  setDefault(status, 'phase', 'Pending');
  setDefault(status, 'qosClass', qosClass(spec));
}
