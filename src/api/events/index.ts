/** The events.k8s.io/v1 resources: Event, served from the core Event storage. */
import type { ResourceDef } from '../resource.js';
import { eventsV1 } from './event.js';

/** The events.k8s.io/v1 resources. */
export const eventsGroup: readonly ResourceDef[] = [eventsV1];

export { eventsV1 };
export { eventFromCore, eventToCore, validateEventsV1 } from './event.js';
