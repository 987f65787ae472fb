/** Every controller the controller manager runs, in start order. Each controller adds its line here. */
import type { Controller } from './controller.js';
import { newEndpointsController } from './endpoints.js';
import { newEndpointSliceController } from './endpointslice.js';
import { newGarbageCollector } from './garbagecollector.js';
import { newNamespaceController } from './namespace.js';
import { newNodeLifecycleController } from './nodelifecycle.js';
import { newRootCACertPublisher, newServiceAccountController } from './serviceaccount.js';

export type { Controller, ControllerContext } from './controller.js';
export { SharedInformers } from './controller.js';

export const allControllers: readonly Controller[] = [
  newNamespaceController(),
  newGarbageCollector(),
  newServiceAccountController(),
  newRootCACertPublisher(),
  newEndpointsController(),
  newEndpointSliceController(),
  newNodeLifecycleController(),
];
