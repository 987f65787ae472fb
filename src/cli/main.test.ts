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

void test('skiff agent: --help lists the flags; a missing --server, a bad endpoint or node name is a clear error', () => {
  const help = run('agent', '--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--runtime containerd\|fake/);
  assert.match(help.stdout, /--container-runtime-endpoint URL/);
  const noServer = run('agent', '--runtime', 'fake');
  assert.equal(noServer.status, 2);
  assert.match(noServer.stderr, /skiff agent: --server URL \(or --kubeconfig FILE\) is required/);
  const endpoint = run('agent', '--server', 'https://127.0.0.1:6443', '--token', 't', '--container-runtime-endpoint', 'tcp://x');
  assert.equal(endpoint.status, 2);
  assert.match(endpoint.stderr, /container-runtime-endpoint.*want unix:\/\/\/PATH/);
  const name = run('agent', '--server', 'https://127.0.0.1:6443', '--token', 't', '--node-name', 'Bad_Name');
  assert.equal(name.status, 2);
  assert.match(name.stderr, /node-name/);
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
