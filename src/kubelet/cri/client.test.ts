import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Server, ServerCredentials, status, type handleUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { Metadata } from '@grpc/grpc-js';
import { criAddress, newCriClient, type CriClient } from './client.js';
import { criService } from './definition.js';
import { CriError, isCriNotFound, isCriUnavailable } from './errors.js';

// A fake runtime speaking the same proto over a unix socket: what the client
// sends and decodes is checked at the wire, without containerd.
const dir = mkdtempSync(join(tmpdir(), 'skiff-cri-client-'));
const socket = join(dir, 'cri.sock');
const server = new Server();
const seen: { version?: string; exec?: { containerId: string; cmd: string[]; timeout: string }; statsFilter?: unknown } = {};
let cri: CriClient;

const notFound = (details: string): ServiceError => Object.assign(new Error(details), { code: status.NOT_FOUND, details, metadata: new Metadata() });

const version: handleUnaryCall<{ version: string }, object> = (call, done) => {
  seen.version = call.request.version;
  done(null, { version: '0.1.0', runtimeName: 'fake', runtimeVersion: '1.2.3', runtimeApiVersion: 'v1' });
};
const imageStatus: handleUnaryCall<{ image: { image: string } | null }, object> = (call, done) => {
  if (call.request.image?.image !== 'busybox:known') { done(null, {}); return; }
  done(null, { image: { id: 'sha256:abc', repoTags: ['busybox:known'], size: '9007199254740993' } });
};
const containerStatus: handleUnaryCall<{ containerId: string }, object> = (call, done) => {
  if (call.request.containerId !== 'c1') { done(notFound(`container "${call.request.containerId}" not found`)); return; }
  done(null, { status: { id: 'c1', metadata: { name: 'main', attempt: 2 }, state: 'CONTAINER_EXITED', createdAt: '1733400000123456789', exitCode: 137, reason: 'OOMKilled' } });
};
const execSync: handleUnaryCall<{ containerId: string; cmd: string[]; timeout: string }, object> = (call, done) => {
  seen.exec = call.request;
  done(null, { stdout: Buffer.from('hi\n'), stderr: Buffer.from([0xff, 0x00]), exitCode: 3 });
};

const listContainerStats: handleUnaryCall<{ filter: unknown }, object> = (call, done) => {
  seen.statsFilter = call.request.filter;
  done(null, { stats: [{
    attributes: { id: 'c1', metadata: { name: 'main' }, labels: { 'io.kubernetes.pod.name': 'web' } },
    cpu: { timestamp: '1733400000123456789', usageCoreNanoSeconds: { value: '18446744073709551615' } },
    memory: { timestamp: '1733400000123456789', workingSetBytes: { value: '1048576' } },
  }] });
};

before(async () => {
  server.addService(criService('RuntimeService'), { Version: version, ContainerStatus: containerStatus, ExecSync: execSync, ListContainerStats: listContainerStats });
  server.addService(criService('ImageService'), { ImageStatus: imageStatus });
  await new Promise<void>((resolve, reject) => {
    server.bindAsync(`unix://${socket}`, ServerCredentials.createInsecure(), (err) => { if (err) reject(err); else resolve(); });
  });
  cri = newCriClient(socket);
});
after(() => {
  cri.close();
  server.forceShutdown();
  rmSync(dir, { recursive: true, force: true });
});

test('Version sends the API version skiff speaks and decodes camelCase fields', async () => {
  assert.deepEqual(await cri.version(), { version: '0.1.0', runtimeName: 'fake', runtimeVersion: '1.2.3', runtimeApiVersion: 'v1' });
  assert.equal(seen.version, 'v1');
});

test('ImageStatus: an absent image is undefined; 64-bit sizes stay exact as strings', async () => {
  assert.equal(await cri.imageStatus({ image: 'busybox:absent' }), undefined);
  const image = await cri.imageStatus({ image: 'busybox:known' });
  assert.ok(image);
  assert.equal(image.size, '9007199254740993');
  assert.deepEqual(image.repoTags, ['busybox:known']);
  assert.deepEqual(image.repoDigests, [], 'defaults fill absent fields');
  assert.equal(image.spec, null, 'absent messages are null');
});

test('ContainerStatus: enums by name, nanosecond timestamps exact, defaults for the rest', async () => {
  const { status: s } = await cri.containerStatus('c1');
  assert.ok(s);
  assert.equal(s.state, 'CONTAINER_EXITED');
  assert.equal(s.createdAt, '1733400000123456789');
  assert.equal(s.startedAt, '0');
  assert.equal(s.exitCode, 137);
  assert.equal(s.reason, 'OOMKilled');
  assert.deepEqual(s.metadata, { name: 'main', attempt: 2 });
  assert.deepEqual(s.labels, {});
});

test('a NOT_FOUND status becomes a CriError with code NotFound', async () => {
  await assert.rejects(cri.containerStatus('nope'), (err) => {
    assert.ok(err instanceof CriError);
    assert.equal(err.code, 'NotFound');
    assert.equal(err.method, 'ContainerStatus');
    assert.match(err.message, /^CRI ContainerStatus: container "nope" not found$/);
    return isCriNotFound(err);
  });
});

test('ExecSync sends the command and timeout and returns output as bytes', async () => {
  const r = await cri.execSync('c1', ['sh', '-c', 'exit 3'], 10);
  assert.deepEqual(seen.exec, { containerId: 'c1', cmd: ['sh', '-c', 'exit 3'], timeout: '10' });
  assert.equal(r.stdout.toString(), 'hi\n');
  assert.deepEqual([...r.stderr], [0xff, 0x00]);
  assert.equal(r.exitCode, 3);
});

test('ListContainerStats sends its filter; counters stay exact as strings, unset wrappers are null', async () => {
  const [stats] = await cri.listContainerStats({ podSandboxId: 's1' });
  assert.deepEqual(seen.statsFilter, { id: '', podSandboxId: 's1', labelSelector: {} });
  assert.equal(stats?.attributes?.labels['io.kubernetes.pod.name'], 'web');
  assert.equal(stats.cpu?.usageCoreNanoSeconds?.value, '18446744073709551615');
  assert.equal(stats.cpu.usageNanoCores, null);
  assert.equal(stats.memory?.workingSetBytes?.value, '1048576');
  assert.equal(stats.memory.rssBytes, null);
});

test('an unimplemented method and an aborted call fail with their codes', async () => {
  await assert.rejects(cri.listContainers(), (err) => err instanceof CriError && err.code === 'Unimplemented');
  await assert.rejects(cri.version({ signal: AbortSignal.abort() }), (err) => err instanceof CriError && err.code === 'Cancelled');
});

test('a runtime that is not there is Unavailable', async () => {
  const absent = newCriClient(join(dir, 'absent.sock'));
  try {
    await assert.rejects(absent.version(), (err) => isCriUnavailable(err));
  } finally {
    absent.close();
  }
});

test('criAddress accepts a path or a unix: endpoint and rejects other schemes', () => {
  assert.equal(criAddress('/run/c.sock'), 'unix:///run/c.sock');
  assert.equal(criAddress('unix:///run/c.sock'), 'unix:///run/c.sock');
  assert.equal(criAddress('unix:/run/c.sock'), 'unix:///run/c.sock');
  assert.throws(() => criAddress('tcp://127.0.0.1:1234'), /expected unix:\/\/\/path/);
});
