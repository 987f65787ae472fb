/** Every controller the controller manager runs, in start order. Each controller adds its line here. */
import type { Controller } from './controller.js';
import { newEndpointsController } from './endpoints.js';
import { newEndpointSliceController } from './endpointslice.js';
import { newGarbageCollector } from './garbagecollector.js';
import { newNamespaceController } from './namespace.js';
import { newNodeLifecycleController } from './nodelifecycle.js';
import { newRootCACertPublisher, newServiceAccountController } from './serviceaccount.js';
import { newCronJobController } from './cronjob.js';
import { newResourceQuotaController } from './resourcequota.js';
import { newVolumeBinderController } from './volume/binder.js';
import { newLocalPathProvisioner } from './volume/localpath.js';
import { newHPAController } from './hpa/controller.js';
import { daemonSetController } from './daemonset/index.js';
import { deploymentController } from './deployment/index.js';
import { replicaSetController, replicationControllerController } from './replicaset.js';
import { statefulSetController } from './statefulset/index.js';
import { newJobController } from './job/controller.js';
import { newTTLAfterFinishedController } from './job/ttl.js';

export type { Controller, ControllerContext } from './controller.js';
export { SharedInformers } from './controller.js';

/** What some controllers take from `skiff server`'s flags (kube-controller-manager's flags of the same names). */
export interface ControllersConfig {
  /** `--node-monitor-grace-period` (default 40 s). */
  readonly nodeMonitorGracePeriodMs?: number;
}

/** Every controller, configured by `config`, in start order. */
export const newControllers = (config: ControllersConfig = {}): readonly Controller[] => [
  newNamespaceController(),
  newGarbageCollector(),
  newServiceAccountController(),
  newRootCACertPublisher(),
  newEndpointsController(),
  newEndpointSliceController(),
  newNodeLifecycleController(config.nodeMonitorGracePeriodMs === undefined ? {} : { gracePeriodMs: config.nodeMonitorGracePeriodMs }),
  newJobController(),
  newTTLAfterFinishedController(),
  newCronJobController(),
  newResourceQuotaController(),
  newVolumeBinderController(),
  newLocalPathProvisioner(),
  newHPAController(),
  replicaSetController,
  replicationControllerController,
  deploymentController,
  daemonSetController,
  statefulSetController,
];

/** Every controller with upstream's defaults. */
export const allControllers: readonly Controller[] = newControllers();
