import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSchedule, type CronSchedule } from './schedule.js';

const parse = (spec: string, tz = 'UTC'): CronSchedule => {
  const s = parseSchedule(spec, tz);
  if (typeof s === 'string') throw new Error(s);
  return s;
};
const next = (spec: string, from: string, tz = 'UTC') => parse(spec, tz).next(new Date(from))?.toISOString();

test('five fields: steps, ranges, lists and names', () => {
  assert.equal(next('*/5 * * * *', '2024-03-01T10:02:30Z'), '2024-03-01T10:05:00.000Z');
  assert.equal(next('*/5 * * * *', '2024-03-01T10:05:00Z'), '2024-03-01T10:10:00.000Z');
  assert.equal(next('0 9-17/4 * * mon-fri', '2024-03-01T18:00:00Z'), '2024-03-04T09:00:00.000Z'); // Friday evening → Monday
  assert.equal(next('30 2 1 jan,jul *', '2024-03-01T00:00:00Z'), '2024-07-01T02:30:00.000Z');
});

test('day of month and day of week are ORed unless one is a star', () => {
  // The 13th or any Friday: 2024-03-01 is a Friday.
  assert.equal(next('0 0 13 * 5', '2024-02-29T12:00:00Z'), '2024-03-01T00:00:00.000Z');
  assert.equal(next('0 0 13 * *', '2024-02-29T12:00:00Z'), '2024-03-13T00:00:00.000Z');
  // A stepped star is no star (robfig): */2 days ORed with Mondays.
  assert.equal(next('0 0 */10 * 1', '2024-03-01T12:00:00Z'), '2024-03-04T00:00:00.000Z');
});

test('descriptors, @every and time zones', () => {
  assert.equal(next('@hourly', '2024-03-01T10:02:00Z'), '2024-03-01T11:00:00.000Z');
  assert.equal(next('@every 90s', '2024-03-01T10:00:00Z'), '2024-03-01T10:01:30.000Z');
  assert.equal(next('0 9 * * *', '2024-03-01T00:00:00Z', 'Asia/Tokyo'), '2024-03-02T00:00:00.000Z'); // 09:00 JST
  assert.equal(next('CRON_TZ=America/New_York 0 9 * * *', '2024-07-01T00:00:00Z'), '2024-07-01T13:00:00.000Z'); // EDT
  assert.equal(parseSchedule('61 * * * *'), 'end of range (61) above maximum (59): 61');
});
