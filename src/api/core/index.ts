/** The core/v1 resources and the pod helpers later kinds (workload controllers) reuse. */
import type { ResourceDef } from '../resource.js';
import { configMaps } from './configmap.js';
import { endpoints } from './endpoints.js';
import { events } from './event.js';
import { namespaces } from './namespace.js';
import { nodes } from './node.js';
import { pods } from './pod.js';
import { replicationControllers } from './replicationcontroller.js';
import { secrets } from './secret.js';
import { serviceAccounts } from './serviceaccount.js';
import { services } from './service.js';
import { persistentVolumes } from './persistentvolume.js';
import { persistentVolumeClaims } from './persistentvolumeclaim.js';
import { limitRanges } from './limitrange.js';
import { resourceQuotas } from './resourcequota.js';
import { podTemplates } from './podtemplate.js';

/** Every core/v1 resource served by the API server. */
export const coreV1: readonly ResourceDef[] = [
  namespaces,
  pods,
  configMaps,
  secrets,
  services,
  endpoints,
  nodes,
  events,
  serviceAccounts,
  replicationControllers,
  persistentVolumes,
  persistentVolumeClaims,
  limitRanges,
  resourceQuotas,
  podTemplates,
];

export { configMaps, endpoints, events, namespaces, nodes, persistentVolumeClaims, persistentVolumes, pods, replicationControllers, resourceQuotas, secrets, serviceAccounts, services };
export { admitPodSpec, defaultPod, defaultPodSpec, imageTag } from './pod-defaults.js';
export { validatePodSpec, validateTolerations } from './pod-validation.js';
export { validatePodUpdate, POD_UPDATE_FORBIDDEN, UPDATABLE_POD_SPEC_FIELDS } from './pod-update.js';
export { base64Error } from './base64.js';
