import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlagError, parseFlags } from './flags.js';
import { expandShortOutput, imageBuildFlags, imageBuildOptions, imageImportFlags, imageImportOptions, parseArgs } from './image-flags.js';

const env = { uid: 0, home: '/root', cwd: '/work' };

void test('image build: repeated flags, -o, SRC:DEST files and JSON or word commands', () => {
  const argv = ['--tag', 'a:1', '--tag', 'b', '--binary', '/bin/busybox', '--file', 'conf/x.conf:/etc/x.conf', '--file', '/etc/hosts', '--symlink', '/usr/bin/sh:/bin/busybox', '--cmd', 'sleep 3600', '--entrypoint', '["/bin/sh","-c"]', '--env', 'A=1', '--expose', '80', '-o', 'out.tar'];
  const o = imageBuildOptions(parseFlags(imageBuildFlags, expandShortOutput(argv)).values, env);
  assert.deepEqual(o.tags, ['a:1', 'b']);
  assert.equal(o.output, '/work/out.tar');
  assert.deepEqual(o.files, [{ source: '/work/conf/x.conf', dest: '/etc/x.conf' }, { source: '/etc/hosts', dest: '/etc/hosts' }]);
  assert.deepEqual(o.symlinks, [{ path: '/usr/bin/sh', target: '/bin/busybox' }]);
  assert.deepEqual(o.config, { entrypoint: ['/bin/sh', '-c'], cmd: ['sleep', '3600'], env: ['A=1'], expose: ['80'] });
  assert.deepEqual(parseArgs('cmd', ' a  b '), ['a', 'b']);
});

void test('image build: a missing tag, output or source, or a relative binary is a FlagError', () => {
  const fails = (argv: string[], re: RegExp) =>
    assert.throws(() => imageBuildOptions(parseFlags(imageBuildFlags, expandShortOutput(argv)).values, env), (err) => err instanceof FlagError && re.test(err.message));
  fails(['-o', 'x.tar', '--binary', '/bin/ls'], /--tag NAME is required/);
  fails(['--tag', 'x', '--binary', '/bin/ls'], /--output FILE is required/);
  fails(['--tag', 'x', '-o', 'x.tar'], /--from-dir DIR, --binary PATH or --file/);
  fails(['--tag', 'x', '-o', 'x.tar', '--binary', 'ls'], /absolute path/);
  fails(['--tag', 'x', '-o', 'x.tar', '--binary', '/bin/ls', '--cmd', '[1]'], /JSON array of strings/);
});

void test("image import: the node's socket under --data-dir, or --address", () => {
  const byDir = imageImportOptions(parseFlags(imageImportFlags, ['--data-dir', 'd']).values, ['a.tar'], env);
  assert.equal(byDir.address, '/work/d/containerd/containerd.sock');
  assert.deepEqual(byDir.files, ['/work/a.tar']);
  assert.equal(byDir.namespace, 'k8s.io');
  assert.equal(imageImportOptions({}, ['a.tar'], env).address, '/var/lib/skiff/containerd/containerd.sock');
  assert.equal(imageImportOptions({ address: '/run/c.sock' }, ['a.tar'], env).address, '/run/c.sock');
  assert.throws(() => imageImportOptions({}, [], env), FlagError);
});
