/**
 * Events as controllers record them (core/v1 Event): one per occurrence,
 * named after the object with a unique suffix, as client-go's recorder
 * names them, so `kubectl describe` lists them under the object.
 */
import { events } from '../api/core/index.js';
import type { KubeObject } from '../api/meta.js';
import type { Client } from './rest.js';

export type EventType = 'Normal' | 'Warning';

export class EventRecorder {
  constructor(
    readonly client: Client,
    /** `source.component` and `reportingComponent`: `default-scheduler`, `deployment-controller`. */
    readonly component: string,
    readonly host = '',
    readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Record an event about `obj` (fire and forget: a lost event must not fail the caller). */
  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const ns = obj.metadata.namespace ?? 'default';
    const body = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${obj.metadata.name ?? ''}.${(Date.now() * 1e6 + Math.floor(Math.random() * 1e6)).toString(16)}`, namespace: ns },
      involvedObject: { kind: obj.kind, apiVersion: obj.apiVersion, name: obj.metadata.name, namespace: obj.metadata.namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion },
      reason,
      message,
      type,
      source: { component: this.component, ...(this.host ? { host: this.host } : {}) },
      reportingComponent: this.component,
      reportingInstance: this.host,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    this.client.create(events, ns, body as unknown as KubeObject).catch(this.onError);
  }
}
