/** The discovery.k8s.io/v1 resources: EndpointSlice. */
import type { ResourceDef } from '../resource.js';
import { endpointSlices } from './endpointslice.js';

/** The discovery.k8s.io/v1 resources. */
export const discoveryV1: readonly ResourceDef[] = [endpointSlices];

export { endpointSlices };
