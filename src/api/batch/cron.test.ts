import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cronScheduleError, timeZoneError } from './cron.js';

void test('cron: schedules robfig/cron ParseStandard accepts', () => {
  for (const s of ['*/5 * * * *', '0 0 * * *', '0,30 9-17 * * mon-fri', '15 2 1 jan,jul *', '@hourly', '@daily', '@every 1h30m', '? * * * ?', '0 0 1 * *'])
    assert.equal(cronScheduleError(s), undefined, s);
});

void test('cron: robfig/cron error texts', () => {
  const cases: [string, string][] = [
    ['', 'empty spec string'],
    ['* * *', 'expected exactly 5 fields, found 3: [* * *]'],
    ['* * * * * *', 'expected exactly 5 fields, found 6: [* * * * * *]'],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['5-2 * * * *', 'beginning of range (5) beyond end of range (2): 5-2'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['*/1/2 * * * *', 'too many slashes: */1/2'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['* * * * 7', 'end of range (7) above maximum (6): 7'],
    ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
    ['@every 5', 'failed to parse duration @every 5: time: missing unit in duration "5"'],
  ];
  for (const [s, want] of cases) assert.equal(cronScheduleError(s), want, s);
});

void test('cron: time zones as Go loads them', () => {
  assert.equal(timeZoneError('Europe/Paris'), undefined);
  assert.equal(timeZoneError('America/New_York'), undefined);
  assert.equal(timeZoneError('Etc/UTC'), undefined);
  assert.equal(timeZoneError('Mars/Olympus_Mons'), 'unknown time zone Mars/Olympus_Mons');
  assert.equal(timeZoneError('america/new_york'), 'unknown time zone america/new_york');
});
