// Needs root and containerd, runc and busybox-static (Debian packages, which
// .ci/run installs): starts a containerd of its own in a temp dir, builds a
// busybox image with `skiff image build`, loads it with `skiff image import`
// and runs a container from it. Skipped where they are missing, except in CI.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { containerRuntimeMissing, startTestRuntime } from '../support/containerd.js';

const run = promisify(execFile);
// dist/test/e2e/image.test.js → repo root bin/skiff
const skiff = fileURLToPath(new URL('../../../bin/skiff', import.meta.url));
const skiffRun = (...args: string[]) => run(process.execPath, [skiff, ...args], { encoding: 'utf8', timeout: 60_000 });

const missing = containerRuntimeMissing();
const inCI = process.env.CI === 'true';

void test('skiff image import without a containerd at the data dir says how to get one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-image-e2e-'));
  try {
    const err = await skiffRun('image', 'import', '--data-dir', dir, skiff).then(() => undefined, (e: unknown) => e as { code: number; stderr: string });
    assert.ok(err, 'import fails');
    assert.equal(err.code, 1);
    assert.match(err.stderr, new RegExp(`no containerd at ${dir}/containerd/containerd\\.sock: is \`skiff server\`/\`skiff agent\` running with --data-dir ${dir}\\?`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('a busybox image built from the host imports under its name and runs', { skip: !inCI && missing !== undefined ? missing : false, timeout: 120_000 }, async () => {
  if (missing !== undefined) assert.fail(`this suite needs a real containerd: ${missing}`);
  const dir = mkdtempSync(join(tmpdir(), 'skiff-image-e2e-'));
  const runtime = await startTestRuntime();
  const address = runtime.containerd.paths?.socket ?? '';
  const ctr = async (...args: string[]) => (await run('ctr', ['--address', address, ...args], { encoding: 'utf8', timeout: 60_000 })).stdout;
  try {
    const archive = join(dir, 'busybox.tar');
    const built = await skiffRun('image', 'build', '--tag', 'busybox:latest', '--binary', '/bin/busybox', '-o', archive);
    assert.match(built.stdout, /^docker\.io\/library\/busybox:latest sha256:[0-9a-f]{64}/);
    const imported = await skiffRun('image', 'import', '--address', address, archive);
    assert.match(imported.stdout, /unpacking docker\.io\/library\/busybox:latest \(sha256:[0-9a-f]{64}\)\.\.\.done/);
    const images = await ctr('-n', 'k8s.io', 'images', 'ls', '-q');
    assert.ok(images.trim().split('\n').includes('docker.io/library/busybox:latest'), images);
    let out: string;
    try {
      out = await ctr('-n', 'k8s.io', 'run', '--rm', 'docker.io/library/busybox:latest', 'skiff-image-t1', '/bin/echo', 'hi');
    } catch (err) {
      assert.fail(`ctr run failed: ${(err as { stderr?: string }).stderr ?? String(err)}`);
    }
    assert.equal(out, 'hi\n');
    // The default command is sh, found through the image's PATH and applet links.
    const sh = await ctr('-n', 'k8s.io', 'run', '--rm', 'docker.io/library/busybox:latest', 'skiff-image-t2', 'sh', '-c', 'ls /bin/sleep && wget --help 2>&1 | head -n 1');
    assert.match(sh, /^\/bin\/sleep\nBusyBox v/);
  } finally {
    await runtime.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});
