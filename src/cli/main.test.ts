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
  for (const role of ['agent']) {
    const r = run(role);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /not implemented yet in this version/);
  }
});

void test('skiff hollow: --help lists the flags; a missing --server or CA is a clear error', () => {
  const help = run('hollow', '--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--nodes N/);
  assert.match(help.stdout, /--node-name-prefix PREFIX/);
  const noServer = run('hollow', '--nodes', '3');
  assert.equal(noServer.status, 2);
  assert.match(noServer.stderr, /--server URL \(or --kubeconfig FILE\) is required/);
  const noCA = run('hollow', '--server', 'https://127.0.0.1:1', '--token', 't', '--ca-file', '/nonexistent/ca.crt');
  assert.equal(noCA.status, 1);
  assert.match(noCA.stderr, /NoCA: cannot read the cluster CA \/nonexistent\/ca\.crt/);
});

void test('skiff image: build and import have help; a bad command line exits 2', () => {
  assert.match(run('image', 'build', '--help').stdout, /--binary PATH/);
  assert.match(run('image', 'import', '--help').stdout, /--data-dir DIR/);
  const bad = run('image', 'build', '--binary', '/bin/ls', '-o', 'x.tar');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--tag NAME is required/);
  assert.equal(run('image', 'frob').status, 2);
});
