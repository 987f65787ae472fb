/** The apps/v1 resources: the workload kinds and their revisions. */
import type { ResourceDef } from '../resource.js';
import { controllerRevisions } from './controllerrevision.js';
import { daemonSets } from './daemonset.js';
import { deployments } from './deployment.js';
import { replicaSets } from './replicaset.js';
import { statefulSets } from './statefulset.js';

/** The apps/v1 resources. */
export const appsV1: readonly ResourceDef[] = [deployments, replicaSets, daemonSets, statefulSets, controllerRevisions];

export { controllerRevisions, daemonSets, deployments, replicaSets, statefulSets };
export { asSelector, selectorSpec, validateLabelSelector } from './selector.js';
