import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRuntimeSetupError } from '../errors.js';
import { findExecutable } from './binaries.js';
import { startContainerd } from './supervisor.js';

test('without containerd, start-up says how to install it and that --runtime fake exists', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-containerd-'));
  try {
    await assert.rejects(startContainerd({ dataDir, sandboxImage: 'pause', binary: join(dataDir, 'no-containerd') }, new AbortController().signal), (err) => {
      assert.ok(isRuntimeSetupError(err, 'RuntimeNotInstalled'));
      assert.match(err.message, /apt-get install containerd runc containernetworking-plugins/);
      assert.match(err.message, /--runtime fake/);
      assert.match(err.message, /--container-runtime-endpoint/);
      return true;
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a given endpoint is used as is: no containerd is started', async () => {
  const abort = new AbortController();
  const runtime = await startContainerd({ dataDir: '/nonexistent', sandboxImage: 'pause', endpoint: '/run/other/containerd.sock' }, abort.signal);
  assert.equal(runtime.managed, false);
  assert.equal(runtime.endpoint, 'unix:///run/other/containerd.sock');
  assert.equal(runtime.pid(), undefined);
  abort.abort();
  await runtime.stopped;
});

test('findExecutable finds programs on PATH and answers undefined for absent ones', () => {
  assert.equal(findExecutable('sh', '/bin'), '/bin/sh');
  assert.equal(findExecutable('no-such-program-skiff', '/bin'), undefined);
});
