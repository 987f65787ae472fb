import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromLabelSelector, parseLabelSelector, selectorFromSet } from './labels.js';
import { isBadSelector } from './errors.js';

void test('parses and prints upstream forms', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['x=a', 'x=a'],
    ['x==a', 'x==a'],
    ['x!=a', 'x!=a'],
    ['  x = a , y != b ', 'x=a,y!=b'],
    ['x in (foo,,baz),y,z notin ()', 'x in (,baz,foo),y,z notin ()'],
    ['!z, y', 'y,!z'],
    ['x>1', 'x>1'],
    ['x=', 'x='],
    ['x in (in)', 'x in (in)'],
    ['example.com/a-b_c.d=v', 'example.com/a-b_c.d=v'],
  ];
  for (const [input, want] of cases) assert.equal(parseLabelSelector(input).toString(), want, input);
});

void test('matches label sets as upstream', () => {
  const labels = { app: 'web', tier: 'front', n: '5' };
  const table: [string, boolean][] = [
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['app in (db,web)', true],
    ['app notin (db,web)', false],
    ['missing notin (a)', true],
    ['missing in (a)', false],
    ['app', true],
    ['missing', false],
    ['!app', false],
    ['!missing', true],
    ['app=web,tier=back', false],
    ['n>4', true],
    ['n<4', false],
    ['app>4', false],
  ];
  for (const [sel, want] of table) assert.equal(parseLabelSelector(sel).matches(labels), want, sel);
  assert.equal(parseLabelSelector('!a').matches(undefined), true);
  assert.equal(parseLabelSelector('a').matches(undefined), false);
  assert.equal(parseLabelSelector('').empty, true);
  assert.equal(parseLabelSelector('a=b').requiresExactMatch('a'), 'b');
});

void test('rejects bad selectors with upstream messages and code BadSelector', () => {
  const qn =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  const lv =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
  const table: [string, string][] = [
    ['a@b', `unable to parse requirement: <nil>: Invalid value: "a@b": ${qn}`],
    ['a=b@', `unable to parse requirement: values[0][a]: Invalid value: "b@": ${lv}`],
    ['x=a,', "found '', expected: identifier after ','"],
    ['x=a b', "found 'b', expected: ',' or 'end of string'"],
    [',x', "found ',', expected: !, identifier, or 'end of string'"],
    ['x in a', "unable to parse requirement: found 'a' expected: '('"],
    ['x in (a', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['x =! a', "unable to parse requirement: found '!', expected: identifier"],
    ['x (a)', "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"],
  ];
  for (const [sel, msg] of table) {
    assert.throws(
      () => parseLabelSelector(sel),
      (err: unknown) => isBadSelector(err) && err.message === msg,
      `${sel}: want ${msg}`,
    );
  }
});

void test('fromLabelSelector: nil matches nothing, empty matches everything', () => {
  assert.equal(fromLabelSelector(undefined).matches({ a: 'b' }), false);
  assert.equal(fromLabelSelector(null).matches({}), false);
  assert.equal(fromLabelSelector({}).matches({ a: 'b' }), true);
  assert.equal(fromLabelSelector({}).empty, true);
  const s = fromLabelSelector({
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['a', 'b'] },
      { key: 'old', operator: 'DoesNotExist' },
      { key: 'zone', operator: 'Exists' },
      { key: 'env', operator: 'NotIn', values: ['prod'] },
    ],
  });
  assert.equal(s.toString(), 'app=web,env notin (prod),!old,tier in (a,b),zone');
  assert.equal(s.matches({ app: 'web', tier: 'a', zone: 'z' }), true);
  assert.equal(s.matches({ app: 'web', tier: 'a', zone: 'z', old: '1' }), false);
  assert.throws(() => fromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Foo' }] }), {
    message: '"Foo" is not a valid label selector operator',
  });
  assert.throws(() => fromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), {
    message: `values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`,
  });
});

void test('selectorFromSet requires every pair', () => {
  const s = selectorFromSet({ b: '2', a: '1' });
  assert.equal(s.toString(), 'a=1,b=2');
  assert.equal(s.matches({ a: '1', b: '2', c: '3' }), true);
  assert.equal(s.matches({ a: '1' }), false);
  assert.equal(selectorFromSet(undefined).matches({}), true);
});
