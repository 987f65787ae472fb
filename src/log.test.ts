import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newLogger } from './log.js';

const fixed = () => new Date('2026-01-02T03:04:05.000Z');

void test('logfmt lines, quoting, child fields and level filtering', () => {
  const lines: string[] = [];
  const log = newLogger({ level: 'info', now: fixed, write: (l) => lines.push(l) }).child({ component: 'server' });
  log.debug('hidden');
  log.info('ready', { ms: 12, url: 'https://127.0.0.1:6443', note: 'two words', nothing: undefined });
  log.error('failed', { err: Object.assign(new Error('boom'), { code: 'NotReady' }) });
  assert.deepEqual(lines, [
    'time=2026-01-02T03:04:05.000Z level=info msg=ready component=server ms=12 url=https://127.0.0.1:6443 note="two words"',
    'time=2026-01-02T03:04:05.000Z level=error msg=failed component=server err="NotReady: boom"',
  ]);
  assert.equal(log.enabled('debug'), false);
  assert.equal(log.enabled('warn'), true);
});

void test('json lines', () => {
  const lines: string[] = [];
  const log = newLogger({ level: 'trace', format: 'json', now: fixed, write: (l) => lines.push(l) });
  log.trace('t', { n: 1 });
  assert.deepEqual(JSON.parse(lines[0]!), { time: '2026-01-02T03:04:05.000Z', level: 'trace', msg: 't', n: 1 });
});
