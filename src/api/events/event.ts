/** events.k8s.io/v1 Event: served from the core/v1 Event storage, with upstream's field mapping and validation. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { invalid, required } from '../field-errors.js';
import { legacyValidateEvent } from '../core/event.js';
import { getNum, getObj, getStr, jsonEqual, type Obj } from '../core/util.js';

/** Fields whose names differ: events.k8s.io/v1 name → core/v1 name. */
const renamed: Readonly<Record<string, string>> = {
  note: 'message',
  regarding: 'involvedObject',
  reportingController: 'reportingComponent',
  deprecatedSource: 'source',
  deprecatedFirstTimestamp: 'firstTimestamp',
  deprecatedLastTimestamp: 'lastTimestamp',
  deprecatedCount: 'count',
};
const back: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(renamed).map(([k, v]) => [v, k]));

/** Same-named fields both versions have (eventTime, series, action, reason, related, reportingInstance, type). */
const shared = ['eventTime', 'series', 'action', 'reason', 'related', 'reportingInstance', 'type'];

function rename(obj: KubeObject, names: Readonly<Record<string, string>>, apiVersion: string): KubeObject {
  const out: KubeObject = { apiVersion, kind: 'Event', metadata: structuredClone(obj.metadata) };
  const src = obj as unknown as Obj;
  const dst = out as unknown as Obj;
  for (const [from, to] of Object.entries(names)) if (src[from] !== undefined) dst[to] = structuredClone(src[from]);
  for (const f of shared) if (src[f] !== undefined) dst[f] = structuredClone(src[f]);
  return out;
}

/** An events.k8s.io/v1 Event as core/v1 (a fresh object). */
export const eventToCore = (obj: KubeObject): KubeObject => rename(obj, renamed, 'v1');

/** A core/v1 Event as events.k8s.io/v1 (a fresh object). */
export const eventFromCore = (obj: KubeObject): KubeObject => {
  const out = rename(obj, back, 'events.k8s.io/v1');
  // Go writes the non-pointer time fields as null when unset; events.k8s.io names them.
  const o = out as unknown as Obj;
  o.eventTime ??= null;
  return out;
};

const top = (o: Obj, f: string) => getStr(o, f) ?? '';

/** Upstream's validateV1EventSeries (core names; events.k8s.io paths). */
function validateSeries(core: Obj): FieldError[] {
  const series = getObj(core, 'series');
  if (!series) return [];
  const errs: FieldError[] = [];
  if ((getNum(series, 'count') ?? 0) < 2) errs.push(invalid('series.count', '', 'should be at least 2'));
  if (!getStr(series, 'lastObservedTime')) errs.push(required('series.lastObservedTime'));
  return errs;
}

/**
 * Upstream's ValidateEventCreate/ValidateEventUpdate for events.k8s.io/v1:
 * the legacy checks every Event passes, then the strict rules of the new API
 * (a Normal or Warning type, an eventTime, no deprecated fields on create;
 * most fields immutable on update).
 */
export function validateEventsV1(obj: KubeObject, old?: KubeObject): FieldError[] {
  const core = eventToCore(obj) as unknown as Obj;
  const errs = legacyValidateEvent(core as unknown as KubeObject, 'reportingController');
  if (old) {
    const was = eventToCore(old) as unknown as Obj;
    if (!jsonEqual(core.series, was.series)) errs.push(...validateSeries(core));
    const immutable = ['involvedObject', 'reason', 'message', 'source', 'firstTimestamp', 'lastTimestamp', 'count', 'reason', 'type', 'eventTime', 'action', 'related', 'reportingComponent', 'reportingInstance'];
    for (const f of immutable) {
      const path = f === 'reportingComponent' ? 'reportingController' : f;
      if (!jsonEqual(core[f] ?? null, was[f] ?? null)) errs.push(invalid(path, core[f] ?? null, 'field is immutable'));
    }
    return errs;
  }
  errs.push(...validateSeries(core));
  if (!core.eventTime) errs.push(required('eventTime'));
  const type = top(core, 'type');
  if (type !== 'Normal' && type !== 'Warning') errs.push(invalid('type', '', `has invalid value: ${type}`));
  if (core.firstTimestamp) errs.push(invalid('deprecatedFirstTimestamp', '', 'needs to be unset'));
  if (core.lastTimestamp) errs.push(invalid('deprecatedLastTimestamp', '', 'needs to be unset'));
  if (getNum(core, 'count')) errs.push(invalid('deprecatedCount', '', 'needs to be unset'));
  const source = getObj(core, 'source');
  if (getStr(source, 'component') || getStr(source, 'host')) errs.push(invalid('deprecatedSource', '', 'needs to be unset'));
  return errs;
}

const regarding = (o: KubeObject, f: string) => getStr(getObj(o, 'regarding'), f) ?? '';

/** The `events` resource of events.k8s.io/v1, stored as core/v1 Events. */
export const eventsV1: ResourceDef = {
  group: 'events.k8s.io',
  version: 'v1',
  resource: 'events',
  singular: 'event',
  kind: 'Event',
  listKind: 'EventList',
  namespaced: true,
  shortNames: ['ev'],
  categories: [],
  hasStatus: false,
  // Upstream's field label conversion for events.k8s.io/v1 (regarding.* for involvedObject.*).
  fieldSelectors: {
    'regarding.kind': (o) => regarding(o, 'kind'),
    'regarding.namespace': (o) => regarding(o, 'namespace'),
    'regarding.name': (o) => regarding(o, 'name'),
    'regarding.uid': (o) => regarding(o, 'uid'),
    'regarding.apiVersion': (o) => regarding(o, 'apiVersion'),
    'regarding.resourceVersion': (o) => regarding(o, 'resourceVersion'),
    'regarding.fieldPath': (o) => regarding(o, 'fieldPath'),
    reason: (o) => top(o, 'reason'),
    reportingController: (o) => top(o, 'reportingController'),
    source: (o) => getStr(getObj(o, 'deprecatedSource'), 'component') ?? '',
    type: (o) => top(o, 'type'),
  },
  validate: validateEventsV1,
  storedAs: { group: '', resource: 'events', toStorage: eventToCore, fromStorage: eventFromCore },
};
