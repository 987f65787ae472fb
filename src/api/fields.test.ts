import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeFieldValue, parseFieldSelector } from './fields.js';
import { isBadSelector } from './errors.js';

void test('parses terms, sorted as upstream, and prints them escaped', () => {
  const s = parseFieldSelector('status.phase!=Failed,metadata.name==a\\,b,spec.nodeName=');
  assert.deepEqual(s.requirements, [
    { field: 'metadata.name', op: '==', value: 'a,b' },
    { field: 'spec.nodeName', op: '=', value: '' },
    { field: 'status.phase', op: '!=', value: 'Failed' },
  ]);
  assert.deepEqual(s.fields, ['metadata.name', 'spec.nodeName', 'status.phase']);
  assert.equal(s.toString(), 'metadata.name=a\\,b,spec.nodeName=,status.phase!=Failed');
  assert.equal(parseFieldSelector('').empty, true);
  assert.equal(parseFieldSelector('a=b\\=c\\\\').requirements[0]?.value, 'b=c\\');
  assert.equal(escapeFieldValue('a\\b,c=d'), 'a\\\\b\\,c\\=d');
});

void test('matches through the getter; missing fields read as empty', () => {
  const obj: Record<string, string> = { 'metadata.name': 'web', 'status.phase': 'Running' };
  const get = (f: string): string | undefined => obj[f];
  const table: [string, boolean][] = [
    ['', true],
    ['metadata.name=web', true],
    ['metadata.name==web', true],
    ['metadata.name!=web', false],
    ['metadata.name=web,status.phase=Pending', false],
    ['spec.nodeName=', true],
    ['spec.nodeName!=', false],
  ];
  for (const [sel, want] of table) assert.equal(parseFieldSelector(sel).matches(get), want, sel);
  assert.equal(parseFieldSelector('spec.nodeName=n1').requiresExactMatch('spec.nodeName'), 'n1');
});

void test('rejects bad selectors with upstream messages', () => {
  const table: [string, string][] = [
    ['foo', "invalid selector: 'foo'; can't understand 'foo'"],
    ['a=b,c', "invalid selector: 'a=b,c'; can't understand 'c'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['metadata.name!==x', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
  ];
  for (const [sel, msg] of table)
    assert.throws(() => parseFieldSelector(sel), (e: unknown) => isBadSelector(e) && e.message === msg, sel);
});
