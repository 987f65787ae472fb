import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFlags } from './flags.js';
import { hollowFlags, hollowOptions } from './hollow-flags.js';

const env = { uid: 1000, home: '/home/u', cwd: '/work' };
const parse = (...argv: string[]) => hollowOptions(parseFlags(hollowFlags, argv).values, env);

void test('hollow defaults: one node, the local server CA, k3s pod range, kubelet capacity', () => {
  const o = parse('--server', 'https://10.0.0.1:6443', '--token', 'secret');
  assert.deepEqual(o, {
    join: { server: 'https://10.0.0.1:6443', token: 'secret', caFile: '/home/u/.skiff/tls/ca.crt' },
    nodes: 1,
    nodeNamePrefix: 'hollow-node-',
    clusterCIDR: '10.42.0.0/16',
    nodeCIDRMaskSize: 24,
    nodeCPU: '4',
    nodeMemoryBytes: 16 * 1024 ** 3,
    maxPods: 110,
    nodeLeaseDurationSeconds: 40,
    maxInflight: 32,
    logLevel: 'info',
    logFormat: 'logfmt',
  });
  assert.deepEqual(hollowOptions(parseFlags(hollowFlags, ['--server', 'https://h:1', '--token', 't']).values, { ...env, uid: 0 }).join, { server: 'https://h:1', token: 't', caFile: '/var/lib/skiff/tls/ca.crt' });
  assert.deepEqual(parse('--kubeconfig', 'kc.yaml', '--nodes', '5000', '--ca-file', 'ignored').join, { kubeconfig: '/work/kc.yaml' });
  const more = parse('--kubeconfig', '/k', '--node-ip', '10.1.1.1', '--pod-cpu-usage', '250m', '--pod-memory-usage', '64Mi', '--node-memory', '2Gi');
  assert.deepEqual([more.nodeIP, more.podCPUUsage, more.podMemoryUsage, more.nodeMemoryBytes], ['10.1.1.1', '250m', '64Mi', 2 * 1024 ** 3]);
});

void test('hollow values are checked', () => {
  const bad = (...argv: string[]) => () => parse(...argv);
  assert.throws(bad('--nodes', '3'), { code: 'MissingValue', flag: 'server' });
  assert.throws(bad('--server', 'https://h:1'), { code: 'MissingValue', flag: 'token' });
  assert.throws(bad('--server', 'http://h:1', '--token', 't'), { code: 'InvalidValue' });
  const k = ['--kubeconfig', '/k'];
  assert.throws(bad(...k, '--nodes', '0'), { code: 'InvalidValue' });
  assert.throws(bad(...k, '--node-name-prefix', 'Hollow_'), { code: 'InvalidValue' });
  assert.throws(bad(...k, '--node-cpu', 'lots'), { code: 'InvalidValue' });
  assert.throws(bad(...k, '--node-memory', '-1Gi'), { code: 'InvalidValue' });
  assert.throws(bad(...k, '--cluster-cidr', '10.42.0.0'), { code: 'InvalidValue' });
  assert.throws(bad(...k, '--node-cidr-mask-size', '31'), { code: 'InvalidValue' });
  assert.throws(bad(...k, '--node-ip', 'host'), { code: 'InvalidValue' });
});
