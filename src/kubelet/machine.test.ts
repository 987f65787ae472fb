import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fsStats, goArch, parseLoadavg, parseMeminfo, parseOsRelease, readMachineInfo, readMachineStats, type MachinePaths } from './machine.js';

const MEMINFO = `MemTotal:       16372436 kB
MemFree:         1022388 kB
MemAvailable:    9876544 kB
Buffers:          338512 kB
Cached:          8123456 kB
`;

test('meminfo: MemTotal and MemAvailable in bytes; free + caches when the kernel has no MemAvailable', () => {
  assert.deepEqual(parseMeminfo(MEMINFO), { totalBytes: 16372436 * 1024, availableBytes: 9876544 * 1024 });
  const old = MEMINFO.replace(/^MemAvailable.*\n/m, '');
  assert.equal(parseMeminfo(old).availableBytes, (1022388 + 8123456 + 338512) * 1024);
  assert.deepEqual(parseMeminfo(''), { totalBytes: 0, availableBytes: 0 });
});

test('os-release: PRETTY_NAME unquoted and unescaped; Linux without it', () => {
  assert.equal(parseOsRelease('NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n'), 'Debian GNU/Linux 12 (bookworm)');
  assert.equal(parseOsRelease("PRETTY_NAME='Alpine Linux v3.20'\n"), 'Alpine Linux v3.20');
  assert.equal(parseOsRelease('PRETTY_NAME=Plain\n'), 'Plain');
  assert.equal(parseOsRelease('PRETTY_NAME="Say \\"hi\\""\n'), 'Say "hi"');
  assert.equal(parseOsRelease('NAME=x\n'), 'Linux');
});

test('architecture in Go names; tasks from /proc/loadavg; statfs as capacity and available', () => {
  assert.equal(goArch('x64'), 'amd64');
  assert.equal(goArch('arm64'), 'arm64');
  assert.equal(goArch('ia32'), '386');
  assert.equal(parseLoadavg('0.79 0.21 0.06 1/95 20997\n'), 95);
  assert.equal(parseLoadavg('garbage'), 0);
  assert.deepEqual(fsStats({ bsize: 4096, blocks: 100, bavail: 25, files: 50, ffree: 10 }), { capacityBytes: 409600, availableBytes: 102400, inodes: 50, inodesFree: 10 });
});

test('readMachineInfo reads the identity files; one that is missing (no DMI) leaves its field empty', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'machine-'));
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });
  const file = (name: string, text: string) => { writeFileSync(join(dir, name), text); return join(dir, name); };
  const paths: MachinePaths = {
    machineID: file('machine-id', '3d1219c7c4c5404aaa1f6d2a48adfda4\n'),
    productUUID: join(dir, 'absent'),
    bootID: file('boot_id', '6f1b2c3d-0000-4000-8000-123456789abc\n'),
    osRelease: file('os-release', 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'),
    meminfo: file('meminfo', MEMINFO),
    pidMax: file('pid_max', '32768\n'),
    threadsMax: file('threads-max', '192739\n'),
    loadavg: file('loadavg', '0.79 0.21 0.06 1/95 20997\n'),
  };
  const info = await readMachineInfo(paths);
  assert.equal(info.machineID, '3d1219c7c4c5404aaa1f6d2a48adfda4');
  assert.equal(info.systemUUID, '');
  assert.equal(info.bootID, '6f1b2c3d-0000-4000-8000-123456789abc');
  assert.equal(info.osImage, 'Debian GNU/Linux 12 (bookworm)');
  assert.equal(info.memoryBytes, 16372436 * 1024);
  assert.equal(info.operatingSystem, 'linux');
  assert.ok(info.cpu >= 1 && info.kernelVersion.length > 0);
  const stats = await readMachineStats({ nodefs: dir, imagefs: dir }, paths);
  assert.equal(stats.maxPID, 32768, 'the lower of pid_max and threads-max');
  assert.equal(stats.runningTasks, 95);
  assert.equal(stats.memoryAvailableBytes, 9876544 * 1024);
  assert.ok(stats.nodefs.capacityBytes > 0 && stats.nodefs.availableBytes <= stats.nodefs.capacityBytes);
  assert.deepEqual(stats.imagefs, stats.nodefs);
});
