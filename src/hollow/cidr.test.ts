import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NodeCIDRAllocator, parseCIDR, PodIPAllocator, formatCIDR } from './cidr.js';

void test('node CIDRs: lowest free /24 first, skipping ranges other nodes hold', () => {
  const a = new NodeCIDRAllocator('10.42.0.0/16');
  assert.equal(a.size, 256);
  a.reserve('10.42.0.0/24');
  a.reserve('10.42.2.0/24');
  a.reserve('192.168.0.0/24'); // not ours: ignored
  a.reserve('10.42.5.0/25'); // another mask: ignored
  assert.equal(a.free, 254);
  assert.deepEqual([a.allocate(), a.allocate(), a.allocate()], ['10.42.1.0/24', '10.42.3.0/24', '10.42.4.0/24']);
  assert.equal(a.free, 251);
});

void test('node CIDRs: a range runs out with a CIDRError, and wide ranges hold thousands', () => {
  const small = new NodeCIDRAllocator('10.42.0.0/23');
  assert.deepEqual([small.allocate(), small.allocate()], ['10.42.0.0/24', '10.42.1.0/24']);
  assert.throws(() => small.allocate(), { name: 'CIDRError', code: 'Exhausted' });
  const wide = new NodeCIDRAllocator('10.0.0.0/8');
  let last = '';
  for (let i = 0; i < 5000; i++) last = wide.allocate();
  assert.equal(last, '10.19.135.0/24'); // 4999 = 19 * 256 + 135
  assert.throws(() => new NodeCIDRAllocator('10.42.0.0/16', 8), { code: 'Invalid' });
  assert.throws(() => new NodeCIDRAllocator('fd00::/64'), { code: 'Invalid' });
});

void test('CIDRs are parsed with host bits cleared', () => {
  assert.equal(formatCIDR(parseCIDR('10.42.7.9/16')), '10.42.0.0/16');
  assert.equal(formatCIDR(parseCIDR('0.0.0.0/0')), '0.0.0.0/0');
  for (const bad of ['10.42.0.0', '10.42.0.0/33', '10.42.0/16', '10.42.0.256/24', 'x/8']) assert.throws(() => parseCIDR(bad), { code: 'Invalid' });
});

void test('pod IPs: from .2 up, never the network, gateway or broadcast address; released addresses are reused', () => {
  const ips = new PodIPAllocator('10.42.3.0/24');
  assert.equal(ips.allocate(), '10.42.3.2');
  assert.equal(ips.reserve('10.42.3.3'), true);
  assert.equal(ips.reserve('10.42.4.3'), false);
  assert.equal(ips.reserve('10.42.3.1'), false);
  assert.equal(ips.allocate(), '10.42.3.4');
  ips.release('10.42.3.2');
  assert.equal(ips.allocate(), '10.42.3.2');
  const all = new Set<string>();
  const tiny = new PodIPAllocator('10.42.3.0/29');
  for (let ip = tiny.allocate(); ip !== undefined; ip = tiny.allocate()) all.add(ip);
  assert.deepEqual([...all], ['10.42.3.2', '10.42.3.3', '10.42.3.4', '10.42.3.5', '10.42.3.6']);
});
