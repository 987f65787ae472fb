import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorString } from '../field-errors.js';
import type { KubeObject } from '../meta.js';
import { compareVersions, customResourceDefs } from './customresource.js';
import { defaultCRD, validateCRD } from './crd.js';
import type { CRD } from './types.js';

const base = (): CRD => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', kind: 'Widget' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }],
  },
});

const errorsOf = (crd: CRD, old?: CRD) => {
  defaultCRD(crd);
  return validateCRD(crd as KubeObject, old).map(fieldErrorString);
};

test('defaults: singular, listKind, conversion and a status with the storage version', () => {
  const crd = base();
  defaultCRD(crd);
  assert.deepEqual(crd.spec.names, { plural: 'widgets', kind: 'Widget', singular: 'widget', listKind: 'WidgetList' });
  assert.deepEqual(crd.spec.conversion, { strategy: 'None' });
  assert.deepEqual(crd.status, { acceptedNames: { plural: '', kind: '' }, storedVersions: ['v1'] });
  assert.deepEqual(errorsOf(base()), []);
});

test('names, group, scope and versions are checked with upstream messages', () => {
  const crd = base();
  crd.metadata.name = 'gadgets.example.com';
  crd.spec.group = 'example';
  crd.spec.scope = 'Global';
  crd.spec.names = { plural: 'Widgets', kind: 'Widget', listKind: 'Widget', shortNames: ['w_'] };
  crd.spec.versions = [
    { name: 'v1', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
    { name: 'v1', served: true, storage: false },
  ];
  assert.deepEqual(errorsOf(crd), [
    'metadata.name: Invalid value: "gadgets.example.com": must be spec.names.plural+"."+spec.group',
    'spec.group: Invalid value: "example": should be a domain with at least one dot',
    'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
    'spec.versions[1].schema.openAPIV3Schema: Required value: schemas are required',
    'spec.versions: Invalid value: [{"name":"v1","schema":{"openAPIV3Schema":{"type":"object"}},"served":true,"storage":false},{"name":"v1","served":true,"storage":false}]: must contain unique version names',
    'spec.versions: Invalid value: [{"name":"v1","schema":{"openAPIV3Schema":{"type":"object"}},"served":true,"storage":false},{"name":"v1","served":true,"storage":false}]: must have exactly one version marked as storage version',
    "spec.names.plural: Invalid value: \"Widgets\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    "spec.names.shortNames[0]: Invalid value: \"w_\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    'spec.names.listKind: Invalid value: "Widget": kind and listKind may not be the same',
    'status.storedVersions: Invalid value: []: must have at least one stored version',
  ]);
});

test('structural schema rules', () => {
  const crd = base();
  const v = crd.spec.versions?.[0];
  assert.ok(v);
  v.schema = {
    openAPIV3Schema: {
      type: 'object',
      properties: {
        metadata: { type: 'object', properties: { labels: { type: 'object' } } },
        spec: {
          type: 'object',
          properties: {
            untyped: { description: 'x' },
            list: { type: 'array' },
            set: { type: 'array', items: { type: 'string' }, uniqueItems: true },
            ref: { type: 'object', $ref: '#/definitions/X' },
            both: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } },
            size: { type: 'integer', default: 'big' },
            keyed: { type: 'array', 'x-kubernetes-list-type': 'map', items: { type: 'object', properties: { name: { type: 'string' } } } },
          },
        },
      },
    },
  };
  assert.deepEqual(errorsOf(crd), [
    'spec.versions[0].schema.openAPIV3Schema.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified',
    'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[list].items: Required value: must be specified',
    'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[untyped].type: Required value: must not be empty for specified object fields',
    'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[set].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic',
    'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[ref].$ref: Forbidden: $ref is not supported',
    'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[both].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive',
    'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[keyed].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map',
  ]);
  // Defaults must be valid (checked once the schema is structural).
  const d = base();
  const dv = d.spec.versions?.[0];
  assert.ok(dv);
  dv.schema = { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer', default: 'big' } } } } } };
  assert.deepEqual(errorsOf(d), ['spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[size].default: Invalid value: "string": in body must be of type integer: "string"']);
});

test('subresources and printer columns', () => {
  const crd = base();
  const v = crd.spec.versions?.[0];
  assert.ok(v);
  v.subresources = { scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: '.spec.replicas' } };
  v.additionalPrinterColumns = [{ name: 'X', type: 'float', jsonPath: '.spec.x' }, { type: 'string', jsonPath: 'spec' }];
  assert.deepEqual(errorsOf(crd), [
    'spec.versions[0].subresources.scale.specReplicasPath: Invalid value: "spec.replicas": must be a simple json path starting with .',
    'spec.versions[0].subresources.scale.statusReplicasPath: Invalid value: ".spec.replicas": should be a json path under .status',
    'spec.versions[0].additionalPrinterColumns[0].type: Invalid value: "float": must be one of boolean,date,integer,number,string',
    'spec.versions[0].additionalPrinterColumns[1].name: Required value',
    'spec.versions[0].additionalPrinterColumns[1].JSONPath: Invalid value: "spec": must be a simple json path starting with .',
  ]);
});

test('updates keep group and plural, and kind and scope once established', () => {
  const old = base();
  defaultCRD(old);
  old.status = { ...old.status, conditions: [{ type: 'Established', status: 'True' }] };
  const next = structuredClone(old);
  next.spec.group = 'other.com';
  next.spec.scope = 'Cluster';
  next.spec.names = { ...next.spec.names, kind: 'Gadget', listKind: 'GadgetList' };
  assert.deepEqual(errorsOf(next, old), [
    'metadata.name: Invalid value: "widgets.example.com": must be spec.names.plural+"."+spec.group',
    'spec.scope: Invalid value: "Cluster": field is immutable',
    'spec.names.kind: Invalid value: "Gadget": field is immutable',
    'spec.group: Invalid value: "other.com": field is immutable',
  ]);
});

test('served versions become resources, preferred version first', () => {
  assert.deepEqual(['v1alpha1', 'v2', 'v1beta1', 'v1', 'v10', 'foo'].sort(compareVersions), ['v10', 'v2', 'v1', 'v1beta1', 'v1alpha1', 'foo']);
  const crd = base();
  crd.spec.versions = [
    { name: 'v1beta1', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
    { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } }, subresources: { status: {} } },
    { name: 'v1alpha1', served: false, storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
  ];
  crd.status = { acceptedNames: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'] } };
  const defs = customResourceDefs(crd);
  assert.deepEqual(defs.map((d) => [d.version, d.hasStatus, d.shortNames, d.printerColumns?.map((c) => c.name)]), [
    ['v1', true, ['wd'], ['Age']],
    ['v1beta1', false, ['wd'], ['Age']],
  ]);
});
