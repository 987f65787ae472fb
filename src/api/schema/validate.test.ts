import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorString } from '../field-errors.js';
import { applyDefaults } from './defaults.js';
import type { Schema } from './types.js';
import { validateValue } from './validate.js';

const messages = (value: unknown, schema: Schema) => validateValue(value, schema).map(fieldErrorString);

const spec: Schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['image'],
      properties: {
        image: { type: 'string', minLength: 2, maxLength: 5, pattern: '^[a-z]+$' },
        replicas: { type: 'integer', minimum: 0, maximum: 10 },
        ratio: { type: 'number', exclusiveMinimum: true, minimum: 0, multipleOf: 0.5 },
        mode: { type: 'string', enum: ['a', 'b'] },
        when: { type: 'string', format: 'date' },
        port: { 'x-kubernetes-int-or-string': true },
        note: { type: 'string', nullable: true },
        tags: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
        ports: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } }, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
        labels: { type: 'object', maxProperties: 1, minProperties: 1, additionalProperties: { type: 'string' } },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
  },
};

test('valid values pass', () => {
  const ok = { spec: { image: 'abc', replicas: 3, ratio: 1.5, mode: 'a', when: '2024-01-02', port: 'http', note: null, tags: ['x'], ports: [{ name: 'a' }, { name: 'b' }], labels: { a: 'b' }, template: { apiVersion: 'v1', kind: 'Pod', spec: {} } } };
  assert.deepEqual(messages(ok, spec), []);
  assert.deepEqual(messages({ spec: { image: 'ab', port: 80, replicas: 2.0 } }, spec), []);
});

test('each failure has upstream message and cause type', () => {
  const errs = validateValue({ spec: { replicas: 'string' } }, spec);
  assert.deepEqual(errs, [
    { type: 'FieldValueRequired', field: 'spec.image', message: 'Required value' },
    { type: 'FieldValueTypeInvalid', field: 'spec.replicas', message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"' },
  ]);
  const cases: [Record<string, unknown>, string][] = [
    [{ image: 'toolongname' }, 'spec.image: Too long: may not be more than 5 bytes'],
    [{ image: 'a' }, 'spec.image: Invalid value: "a": spec.image in body should be at least 2 chars long'],
    [{ image: 'AB' }, "spec.image: Invalid value: \"AB\": spec.image in body should match '^[a-z]+$'"],
    [{ image: 'ab', replicas: -1 }, 'spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0'],
    [{ image: 'ab', replicas: 11 }, 'spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10'],
    [{ image: 'ab', replicas: 1.5 }, 'spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"'],
    [{ image: 'ab', ratio: 0 }, 'spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0'],
    [{ image: 'ab', ratio: 0.7 }, 'spec.ratio: Invalid value: 0.7: spec.ratio in body should be a multiple of 0.5'],
    [{ image: 'ab', mode: 'c' }, 'spec.mode: Unsupported value: "c": supported values: "a", "b"'],
    [{ image: 'ab', when: 'tuesday' }, 'spec.when: Invalid value: "tuesday": spec.when in body must be of type date: "tuesday"'],
    [{ image: 'ab', port: true }, 'spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"'],
    [{ image: 'ab', replicas: null }, 'spec.replicas: Invalid value: "null": spec.replicas in body must be of type integer: "null"'],
    [{ image: 'ab', tags: [] }, 'spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items'],
    [{ image: 'ab', tags: ['a', 'b', 'c'] }, 'spec.tags: Too many: 3: must have at most 2 items'],
    [{ image: 'ab', tags: ['a', 'a'] }, 'spec.tags[1]: Duplicate value: "a"'],
    [{ image: 'ab', ports: [{ name: 'a' }, { name: 'a' }] }, 'spec.ports[1]: Duplicate value: {"name":"a"}'],
    [{ image: 'ab', labels: { a: 'b', c: 'd' } }, 'spec.labels: Too many: 1: must have at most 1 item'],
    [{ image: 'ab', labels: {} }, 'spec.labels: Invalid value: 1: spec.labels in body should have at least 1 properties'],
    [{ image: 'ab', labels: { a: 1 } }, 'spec.labels.a: Invalid value: "integer": spec.labels.a in body must be of type string: "integer"'],
    [{ image: 'ab', template: { kind: 'Pod' } }, 'spec.template.apiVersion: Required value: must not be empty'],
  ];
  for (const [value, message] of cases) assert.deepEqual(messages({ spec: value }, spec), [message], JSON.stringify(value));
  assert.deepEqual(messages({ spec: 'x' }, spec), ['spec: Invalid value: "string": spec in body must be of type object: "string"']);
});

test('defaults fill missing and non-nullable null fields, then descend into what they filled', () => {
  const schema: Schema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        default: {},
        properties: {
          replicas: { type: 'integer', default: 1 },
          mode: { type: 'string', default: 'auto' },
          note: { type: 'string', nullable: true, default: 'n' },
          items: { type: 'array', items: { type: 'object', properties: { weight: { type: 'integer', default: 5 } } } },
          byName: { type: 'object', additionalProperties: { type: 'object', properties: { on: { type: 'boolean', default: true } } } },
        },
      },
    },
  };
  const empty: Record<string, unknown> = {};
  applyDefaults(empty, schema);
  assert.deepEqual(empty, { spec: { replicas: 1, mode: 'auto', note: 'n' } });
  const obj = { spec: { replicas: 3, mode: null, note: null, items: [{}, { weight: 1 }], byName: { x: {} } } };
  applyDefaults(obj, schema);
  assert.deepEqual(obj, { spec: { replicas: 3, mode: 'auto', note: null, items: [{ weight: 5 }, { weight: 1 }], byName: { x: { on: true } } } });
  // Defaults are copies: changing one object never changes the schema.
  const a: { spec?: Record<string, unknown> } = {};
  applyDefaults(a, schema);
  (a.spec as Record<string, unknown>).replicas = 9;
  assert.deepEqual(schema.properties?.spec?.default, {});
});
