import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// dist/src/cli/main.test.js → repo root bin/skiff
const skiff = fileURLToPath(new URL('../../../bin/skiff', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [skiff, ...args], { encoding: 'utf8', timeout: 20_000 });

void test('skiff --help and --version', () => {
  const help = run('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /server/);
  const version = run('--version');
  assert.equal(version.status, 0);
  assert.match(version.stdout, /^skiff version v\d+\.\d+\.\d+/);
});

void test('skiff server --help lists the flags', () => {
  const r = run('server', '--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /--datastore-endpoint URL/);
  assert.match(r.stdout, /--disable-agent/);
});

void test('an unknown flag or command exits 2 with a clear message', () => {
  const flag = run('server', '--no-such-flag');
  assert.equal(flag.status, 2);
  assert.match(flag.stderr, /unknown flag --no-such-flag/);
  const cmd = run('frobnicate');
  assert.equal(cmd.status, 2);
  assert.match(cmd.stderr, /unknown command/);
});

void test('roles of later versions say so and exit 1', () => {
  for (const role of ['agent', 'hollow', 'image']) {
    const r = run(role);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /not implemented yet in this version/);
  }
});
