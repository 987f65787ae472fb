import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kinds, messageFields, messages, parseField } from './schema.js';

test('parses table entries', () => {
  assert.deepEqual(parseField('name'), { json: 'name', inline: false, keepZero: false, shape: 'single', type: { scalar: 'string' } });
  assert.deepEqual(parseField('replicas int32?'), { json: 'replicas', inline: false, keepZero: true, shape: 'single', type: { scalar: 'int32' } });
  assert.deepEqual(parseField('ports []ServicePort').type, { message: 'ServicePort' });
  assert.deepEqual(parseField('limits map<Quantity>'), { json: 'limits', inline: false, keepZero: false, shape: 'map', type: { wellKnown: 'Quantity' } });
  assert.equal(parseField('... LocalObjectReference').inline, true);
});

test('every message a table names, and every kind, has a table', () => {
  for (const name of Object.keys(messages)) {
    for (const [num, spec] of messageFields(name) ?? []) {
      assert.ok(Number.isInteger(num) && num > 0, `${name}: field number ${num}`);
      if ('message' in spec.type) assert.ok(messages[spec.type.message], `${name}.${spec.json} names unknown message ${spec.type.message}`);
    }
  }
  for (const [kind, name] of Object.entries(kinds)) assert.ok(messages[name], `${kind} → ${name}`);
});

test('no message is defined in two table files', async () => {
  const groups = await Promise.all([
    import('./schema-meta.js').then((m) => m.metaTables),
    import('./schema-core.js').then((m) => m.coreTables),
    import('./schema-pod.js').then((m) => m.podTables),
    import('./schema-container.js').then((m) => m.containerTables),
    import('./schema-volume.js').then((m) => m.volumeTables),
    import('./schema-apps.js').then((m) => m.appsTables),
    import('./schema-batch.js').then((m) => m.batchTables),
    import('./schema-auth.js').then((m) => m.authTables),
    import('./schema-autoscaling.js').then((m) => m.autoscalingTables),
  ]);
  const seen = new Set<string>();
  for (const name of groups.flatMap((g) => Object.keys(g))) {
    assert.ok(!seen.has(name), `${name} is defined twice`);
    seen.add(name);
  }
});
