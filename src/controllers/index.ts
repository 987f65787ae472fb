/** Every controller the controller manager runs, in start order. Each controller adds its line here. */
import type { Controller } from './controller.js';
import { daemonSetController } from './daemonset/index.js';
import { deploymentController } from './deployment/index.js';
import { statefulSetController } from './statefulset/index.js';
import { replicaSetController, replicationControllerController } from './replicaset.js';

export type { Controller, ControllerContext } from './controller.js';
export { SharedInformers } from './controller.js';

export const allControllers: readonly Controller[] = [
  replicaSetController,
  replicationControllerController,
  deploymentController,
  daemonSetController,
  statefulSetController,
];
