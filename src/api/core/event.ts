/** core/v1 Event. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { invalid, required } from '../field-errors.js';
import { isDNS1123Subdomain, isQualifiedName } from '../validation.js';
import { getObj, getStr } from './util.js';

const involved = (o: KubeObject, f: string): string => getStr(getObj(o, 'involvedObject'), f) ?? '';
const top = (o: KubeObject, f: string): string => getStr(o, f) ?? '';

/**
 * Upstream's legacyValidateEvent, which every Event passes whatever its API
 * version: `reportingField` names the reporting controller as the request's
 * version calls it (`reportingComponent` in core/v1, `reportingController`
 * in events.k8s.io/v1); the other paths keep core's names, as upstream.
 */
export function legacyValidateEvent(obj: KubeObject, reportingField = 'reportingComponent'): FieldError[] {
  const errs: FieldError[] = [];
  const ns = obj.metadata.namespace ?? '';
  const ins = involved(obj, 'namespace');
  const mismatch = (): void => {
    errs.push(invalid('involvedObject.namespace', ins, 'does not match event.namespace'));
  };
  if (!obj.eventTime) {
    if (ins === '' ? ns !== '' && ns !== 'default' : ns !== ins) mismatch();
  } else {
    if (ins === '' && ns !== 'default' && ns !== 'kube-system') mismatch();
    const rc = top(obj, 'reportingComponent');
    if (rc === '') errs.push(required(reportingField));
    for (const msg of isQualifiedName(rc)) errs.push(invalid(reportingField, rc, msg));
    const ri = top(obj, 'reportingInstance');
    if (ri === '') errs.push(required('reportingInstance'));
    if (ri.length > 128) errs.push(invalid('reportingInstance', '', 'can have at most 128 characters'));
    const action = top(obj, 'action');
    if (action === '') errs.push(required('action'));
    if (action.length > 128) errs.push(invalid('action', '', 'can have at most 128 characters'));
    const reason = top(obj, 'reason');
    if (reason === '') errs.push(required('reason'));
    if (reason.length > 128) errs.push(invalid('reason', '', 'can have at most 128 characters'));
    if (top(obj, 'message').length > 4096) errs.push(invalid('message', '', 'can have at most 4096 characters'));
  }
  for (const msg of isDNS1123Subdomain(ns)) errs.push(invalid('namespace', ns, msg));
  return errs;
}

/** The `events` resource (core group). */
export const events: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'events',
  singular: 'event',
  kind: 'Event',
  listKind: 'EventList',
  namespaced: true,
  shortNames: ['ev'],
  categories: [],
  hasStatus: false,
  fieldSelectors: {
    'involvedObject.kind': (o) => involved(o, 'kind'),
    'involvedObject.namespace': (o) => involved(o, 'namespace'),
    'involvedObject.name': (o) => involved(o, 'name'),
    'involvedObject.uid': (o) => involved(o, 'uid'),
    'involvedObject.apiVersion': (o) => involved(o, 'apiVersion'),
    'involvedObject.resourceVersion': (o) => involved(o, 'resourceVersion'),
    'involvedObject.fieldPath': (o) => involved(o, 'fieldPath'),
    reason: (o) => top(o, 'reason'),
    reportingComponent: (o) => top(o, 'reportingComponent'),
    source: (o) => getStr(getObj(o, 'source'), 'component') ?? '',
    type: (o) => top(o, 'type'),
  },
  validate: (obj) => legacyValidateEvent(obj),
};
