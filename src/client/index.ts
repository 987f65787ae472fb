/** The client machinery every component uses to talk to the API server. */
export { APIStatusError, Client, credentialsFromKubeconfig, isAlreadyExists, isConflict, isGone, isNotFound, pathOf } from './rest.js';
export type { Credentials, ListOptions, ObjectList, PatchType, ResourceRef, WatchEvent } from './rest.js';
export { aborted, Informer, indexers, keyOf, sleep, splitKey } from './informer.js';
export type { Handlers, InformerOptions } from './informer.js';
export { runWorkers, WorkQueue } from './workqueue.js';
export { runLeaderElection } from './leaderelection.js';
export type { LeaderElectionOptions } from './leaderelection.js';
export { EventRecorder } from './events.js';
export type { EventType } from './events.js';
