import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LogParser, readLog, type LogOptions } from './logs.js';

const cri = [
  '2026-12-05T10:00:00.000000001Z stdout F first',
  '2026-12-05T10:00:01.000000000Z stderr F oops',
  '2026-12-05T10:00:02.000000000Z stdout P par',
  '2026-12-05T10:00:02.100000000Z stdout P t',
  '2026-12-05T10:00:02.200000000Z stdout F ial',
  '2026-12-05T10:00:03.000000000Z stdout F ',
  '2026-12-05T10:00:04.000000000Z stdout F last',
].join('\n') + '\n';

async function collect(path: string, opts: LogOptions): Promise<string> {
  let out = '';
  await readLog(path, opts, (t) => (out += t));
  return out;
}

test('CRI log lines: partial lines joined, streams kept, an unfinished last line waits', () => {
  const p = new LogParser();
  assert.deepEqual(p.push(['2026-12-05T10:00:00Z stdout P a', '2026-12-05T10:00:01Z stdout P b']), []);
  assert.deepEqual(p.push(['2026-12-05T10:00:02Z stdout F c', '2026-12-05T10:00:03Z stderr F']), [
    { time: '2026-12-05T10:00:00Z', stream: 'stdout', content: 'abc' },
    { time: '2026-12-05T10:00:03Z', stream: 'stderr', content: '' },
  ]);
});

test('kubectl logs options: all, --tail, --since-time, --timestamps, --limit-bytes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-logs-'));
  try {
    const path = join(dir, '0.log');
    writeFileSync(path, cri);
    assert.equal(await collect(path, {}), 'first\noops\npartial\n\nlast\n');
    assert.equal(await collect(path, { tailLines: 2 }), '\nlast\n');
    assert.equal(await collect(path, { tailLines: 0 }), '');
    assert.equal(await collect(path, { sinceMs: Date.parse('2026-12-05T10:00:01Z') }), 'oops\npartial\n\nlast\n');
    assert.equal(await collect(path, { tailLines: 1, timestamps: true }), '2026-12-05T10:00:04.000000000Z last\n');
    assert.equal(await collect(path, { limitBytes: 8 }), 'first\noo');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('follow: lines appended later arrive; it ends once the container has exited and the log is drained', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-logs-'));
  try {
    const path = join(dir, '0.log');
    writeFileSync(path, '2026-12-05T10:00:00Z stdout F one\n');
    let exited = false;
    const chunks: string[] = [];
    const reading = readLog(path, { follow: true, pollMs: 10, done: () => exited }, (t) => chunks.push(t));
    await new Promise((r) => setTimeout(r, 50));
    appendFileSync(path, '2026-12-05T10:00:01Z stdout F tw');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(chunks, ['one\n'], 'a line is not sent until its newline is written');
    appendFileSync(path, 'o\n2026-12-05T10:00:02Z stdout F three\n');
    exited = true;
    await reading;
    assert.deepEqual(chunks.join(''), 'one\ntwo\nthree\n');
    // Aborting ends a follow of a running container.
    const stop = new AbortController();
    const aborted = readLog(path, { follow: true, pollMs: 10, signal: stop.signal }, () => {});
    stop.abort();
    await aborted;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
