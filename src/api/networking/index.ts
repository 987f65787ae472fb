import type { ResourceDef } from '../resource.js';
import { ingresses } from './ingress.js';
import { ingressClasses } from './ingressclass.js';
import { networkPolicies } from './networkpolicy.js';

export { validateLabelSelector } from '../labelselector.js';
export { isValidPathSegmentName } from './names.js';

/** The networking.k8s.io/v1 resources. */
export const networkingV1: readonly ResourceDef[] = [ingresses, ingressClasses, networkPolicies];
