import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from '../../src/kubelet/containerd/binaries.js';
import { sleep } from '../../src/client/index.js';
import type { BusyboxImage } from './images.js';

/** Why a test registry cannot run here, or `undefined` if it can. */
export function registryMissing(): string | undefined {
  if (findExecutable('docker-registry') === undefined) return 'docker-registry is not installed (apt-get install docker-registry apache2-utils)';
  if (findExecutable('htpasswd') === undefined) return 'htpasswd is not installed (apt-get install apache2-utils)';
  return undefined;
}

/** Skip test `t` where no test registry can run, and fail it under CI=true (CI installs one); true if the test must stop here. */
export function skipWithoutRegistry(t: { skip(message?: string): void }): boolean {
  const missing = registryMissing();
  if (missing === undefined) return false;
  if (process.env.CI === 'true') throw new Error(`CI must run the registry suite, but ${missing}`);
  t.skip(missing);
  return true;
}

/** A Docker distribution registry of one test, on 127.0.0.1, with basic auth. */
export interface TestRegistry {
  /** `127.0.0.1:PORT`, as image references and docker config keys name it. */
  readonly host: string;
  /** Upload `image`'s blobs to repository `repo` and tag its manifest with each of `tags`, through the HTTP API v2. */
  push(repo: string, tags: readonly string[], image: BusyboxImage): Promise<void>;
  /** Stop the registry process (by its PID); its port then refuses connections. */
  stop(): Promise<void>;
  /** Stop it and remove its dir. */
  cleanup(): Promise<void>;
}

/** A TCP port of 127.0.0.1 that nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  if (address === null || typeof address === 'string') throw new Error('no port for the test registry');
  return address.port;
}

/** Wait for `child` to exit, SIGKILL after `ms`. */
async function exited(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  const timer = setTimeout(() => { if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL'); }, ms);
  await done;
  clearTimeout(timer);
}

/**
 * Start Debian's `docker-registry` (Docker distribution 2.8) on a free port
 * of 127.0.0.1 with its own config, storage and htpasswd file (bcrypt, as
 * it requires) in a temp dir, accepting `username`/`password`. Call
 * `cleanup` in every outcome.
 */
export async function startTestRegistry(username: string, password: string): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-registry-'));
  const hashed = spawnSync('htpasswd', ['-nbB', username, password], { encoding: 'utf8' });
  if (hashed.status !== 0) throw new Error(`htpasswd failed: ${hashed.stderr}`);
  writeFileSync(join(dir, 'htpasswd'), hashed.stdout.trim() + '\n');
  const port = await freePort();
  const host = `127.0.0.1:${String(port)}`;
  writeFileSync(join(dir, 'config.yml'), [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    'http:',
    `  addr: ${host}`,
    'auth:',
    '  htpasswd:',
    '    realm: skiff-test',
    `    path: ${join(dir, 'htpasswd')}`,
    '',
  ].join('\n'));
  const logFd = openSync(join(dir, 'registry.log'), 'a');
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const basic = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const base = `http://${host}`;

  const stop = async (): Promise<void> => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGTERM');
    await exited(child, 5000);
  };
  const cleanup = async (): Promise<void> => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  };

  /** One request with the registry's credentials; throws unless the status is `want`. */
  const call = async (method: string, url: string, want: number, body?: Buffer, contentType?: string): Promise<Response> => {
    const res = await fetch(url, { method, headers: { authorization: basic, ...(contentType ? { 'content-type': contentType } : {}) }, ...(body ? { body: new Uint8Array(body) } : {}) });
    if (res.status !== want) throw new Error(`${method} ${url}: ${String(res.status)} ${await res.text()}`);
    return res;
  };

  const push = async (repo: string, tags: readonly string[], image: BusyboxImage): Promise<void> => {
    for (const blob of [image.layer, image.config]) {
      // A monolithic upload: POST opens the session, PUT with the digest sends the blob and commits it.
      const started = await call('POST', `${base}/v2/${repo}/blobs/uploads/`, 202);
      const location = new URL(started.headers.get('location') ?? '', base);
      location.searchParams.set('digest', image.digest(blob));
      await call('PUT', location.href, 201, blob, 'application/octet-stream');
    }
    for (const tag of tags) await call('PUT', `${base}/v2/${repo}/manifests/${tag}`, 201, image.manifest, 'application/vnd.oci.image.manifest.v1+json');
  };

  try {
    // Up once /v2/ answers (401: it asks for the credentials).
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`docker-registry exited (${String(child.exitCode)}): ${readFileSync(join(dir, 'registry.log'), 'utf8')}`);
      const status = await fetch(`${base}/v2/`).then((r) => r.status, () => 0);
      if (status === 401) break;
      if (i >= 100) throw new Error(`docker-registry did not answer on ${host}: ${readFileSync(join(dir, 'registry.log'), 'utf8')}`);
      await sleep(100);
    }
    return { host, push, stop, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
