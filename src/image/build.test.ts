import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { buildImage, type BuildOptions } from './build.js';
import { isImageError } from './errors.js';
import { parseLdd } from './ldd.js';
import { Tree } from './tree.js';

interface Entry {
  readonly header: tar.Headers;
  readonly content: Buffer;
}

/** Every entry of a tar, by name. */
async function readTar(bytes: Buffer): Promise<Map<string, Entry>> {
  const entries = new Map<string, Entry>();
  const extract = tar.extract();
  await new Promise<void>((resolve, reject) => {
    extract.on('entry', (header: tar.Headers, stream: NodeJS.ReadableStream, next: () => void) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        entries.set(header.name, { header, content: Buffer.concat(chunks) });
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
    Readable.from([bytes]).pipe(extract);
  });
  return entries;
}

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const json = (b: Buffer | undefined): Record<string, unknown> => JSON.parse((b ?? Buffer.alloc(0)).toString()) as Record<string, unknown>;

interface Descriptor { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }

/** Read an archive back, checking that every blob's name is its sha256 and every descriptor's size its length; returns the parts. */
async function openArchive(file: string) {
  const tarEntries = await readTar(readFileSync(file));
  const blob = (d: Descriptor): Buffer => {
    const e = tarEntries.get(`blobs/sha256/${d.digest.slice('sha256:'.length)}`);
    assert.ok(e, `blob ${d.digest} is in the archive`);
    assert.equal(sha256(e.content), d.digest, 'a blob is named after its sha256');
    assert.equal(e.content.length, d.size, 'a descriptor has its blob size');
    return e.content;
  };
  assert.deepEqual(json(tarEntries.get('oci-layout')?.content), { imageLayoutVersion: '1.0.0' });
  const index = json(tarEntries.get('index.json')?.content) as { schemaVersion: number; mediaType: string; manifests: Descriptor[] };
  assert.equal(index.schemaVersion, 2);
  assert.equal(index.mediaType, 'application/vnd.oci.image.index.v1+json');
  const first = index.manifests[0]!;
  const manifest = json(blob(first)) as { mediaType: string; config: Descriptor; layers: Descriptor[] };
  assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  const config = json(blob(manifest.config)) as { architecture: string; os: string; config: Record<string, unknown>; rootfs: { type: string; diff_ids: string[] } };
  assert.equal(manifest.layers.length, 1);
  const layer = manifest.layers[0]!;
  assert.equal(layer.mediaType, 'application/vnd.oci.image.layer.v1.tar+gzip');
  const uncompressed = gunzipSync(blob(layer));
  assert.deepEqual(config.rootfs, { type: 'layers', diff_ids: [sha256(uncompressed)] }, 'diff_ids is the sha256 of the uncompressed layer');
  return { index, manifest, config, layer: await readTar(uncompressed), tarEntries };
}

const work = mkdtempSync(join(tmpdir(), 'skiff-image-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

void test('an archive from a directory: index names, manifest, config, diff_ids and blobs agree', async () => {
  const root = join(work, 'rootfs');
  mkdirSync(join(root, 'app/data'), { recursive: true });
  writeFileSync(join(root, 'app/run.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(join(root, 'app/run.sh'), 0o755);
  writeFileSync(join(root, 'app/data/x.txt'), 'x');
  symlinkSync('run.sh', join(root, 'app/start'));
  const output = join(work, 'dir.tar');
  const built = await buildImage({
    tags: ['app:v1', 'registry.local:5000/team/app'],
    output,
    fromDir: root,
    config: { entrypoint: ['/app/run.sh'], env: ['MODE=test'], workdir: '/app', expose: ['8080', '53/udp'], user: 'nobody' },
    architecture: 'arm64',
  });
  assert.deepEqual(built.names, ['docker.io/library/app:v1', 'registry.local:5000/team/app:latest']);
  const { index, config, layer } = await openArchive(output);
  assert.deepEqual(
    index.manifests.map((m) => m.annotations),
    [
      { 'io.containerd.image.name': 'docker.io/library/app:v1', 'org.opencontainers.image.ref.name': 'v1' },
      { 'io.containerd.image.name': 'registry.local:5000/team/app:latest', 'org.opencontainers.image.ref.name': 'latest' },
    ],
  );
  assert.ok(index.manifests.every((m) => m.digest === built.manifest.digest));
  assert.equal(config.architecture, 'arm64');
  assert.equal(config.os, 'linux');
  assert.deepEqual(config.config, {
    User: 'nobody',
    ExposedPorts: { '8080/tcp': {}, '53/udp': {} },
    Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'MODE=test'],
    Entrypoint: ['/app/run.sh'],
    WorkingDir: '/app',
  });
  assert.deepEqual([...layer.keys()], ['app/', 'app/data/', 'app/data/x.txt', 'app/run.sh', 'app/start']);
  const run = layer.get('app/run.sh')!;
  assert.equal(run.content.toString(), '#!/bin/sh\necho hi\n');
  assert.equal(run.header.mode, 0o755);
  assert.equal(run.header.uid, 0);
  assert.equal(run.header.mtime?.getTime(), 0);
  assert.equal(layer.get('app/start')?.header.type, 'symlink');
  assert.equal(layer.get('app/start')?.header.linkname, 'run.sh');
});

void test('two builds of the same inputs give byte-identical archives', async () => {
  const root = join(work, 'same');
  mkdirSync(join(root, 'b'), { recursive: true });
  writeFileSync(join(root, 'b/f'), 'content');
  writeFileSync(join(root, 'a'), 'a');
  const options = (output: string): BuildOptions => ({ tags: ['same:1'], output, fromDir: root, files: [{ source: join(root, 'a'), dest: '/etc/a' }] });
  await buildImage(options(join(work, 'one.tar')));
  await buildImage(options(join(work, 'two.tar')));
  assert.ok(readFileSync(join(work, 'one.tar')).equals(readFileSync(join(work, 'two.tar'))));
});

void test('a dynamic binary brings every library ldd lists, and the loader, at their paths', async () => {
  const binary = '/usr/bin/env';
  const libs = parseLdd(binary, execFileSync('ldd', [binary], { encoding: 'utf8' }));
  assert.ok(libs.length >= 2, 'env links libc and names the loader');
  const output = join(work, 'env.tar');
  await buildImage({ tags: ['env'], output, binaries: [binary] });
  const { config, layer } = await openArchive(output);
  for (const path of [binary, ...libs]) {
    const e = layer.get(path.slice(1));
    assert.ok(e, `${path} is in the layer`);
    assert.ok(e.content.equals(readFileSync(path)), `${path} has the host file's content`);
  }
  assert.ok(layer.has('etc/passwd') && layer.get('tmp/')?.header.mode === 0o1777);
  assert.deepEqual(config.config.Cmd, [binary], 'an image of one binary runs it');
});

void test('ldd output: libraries and the loader, not the vDSO; a missing library is an error', () => {
  const out = '\tlinux-vdso.so.1 (0x00007ffd)\n\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f48)\n\t/lib64/ld-linux-x86-64.so.2 (0x00007f49)\n';
  assert.deepEqual(parseLdd('/x', out), ['/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']);
  assert.deepEqual(parseLdd('/x', '\tnot a dynamic executable\n'), []);
  assert.throws(() => parseLdd('/x', '\tlibfoo.so.1 => not found\n'), (err) => isImageError(err, 'MissingLibrary') && /libfoo\.so\.1/.test(err.message));
});

void test('busybox gets applet links to itself and runs sh by default', { skip: existsSync('/bin/busybox') ? false : '/bin/busybox missing (apt-get install busybox-static)' }, async () => {
  const output = join(work, 'busybox.tar');
  await buildImage({ tags: ['busybox:latest'], output, binaries: ['/bin/busybox'] });
  const { index, config, layer } = await openArchive(output);
  assert.equal(index.manifests[0]?.annotations?.['io.containerd.image.name'], 'docker.io/library/busybox:latest');
  // Every applet but busybox itself, which is the binary.
  const listed = execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter((n) => n !== '' && n !== 'busybox');
  const links = [...layer.values()].filter((e) => e.header.type === 'symlink');
  assert.equal(links.length, listed.length, 'one link per applet');
  assert.ok(links.every((e) => e.header.linkname === '/bin/busybox'));
  for (const applet of ['sh', 'sleep', 'echo', 'cat', 'ls', 'wget']) assert.ok(links.some((e) => e.header.name.endsWith(`bin/${applet}`)), applet);
  assert.ok(layer.get('bin/busybox')?.header.type === 'file');
  assert.deepEqual(config.config.Cmd, ['sh']);
});

void test('a path inside a symlink or file is refused, as unpacking would write through it', () => {
  const tree = new Tree();
  tree.add({ type: 'symlink', path: '/lib', target: 'usr/lib' });
  assert.throws(() => tree.add({ type: 'file', path: '/lib/x.so', mode: 0o644, content: Buffer.from('') }), (err) => isImageError(err, 'InvalidSource'));
  assert.throws(() => tree.add({ type: 'directory', path: '/', mode: 0o755 }), (err) => isImageError(err, 'InvalidSource'));
});

void test('no names or nothing to put in the image are errors', async () => {
  await assert.rejects(buildImage({ tags: [], output: join(work, 'x.tar'), binaries: ['/usr/bin/env'] }), (err) => isImageError(err, 'InvalidReference'));
  await assert.rejects(buildImage({ tags: ['x'], output: join(work, 'x.tar') }), (err) => isImageError(err, 'InvalidSource'));
  assert.equal(existsSync(join(work, 'x.tar')), false);
});
