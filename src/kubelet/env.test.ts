import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerEnv, EnvError, expand, expandCommand, type EnvContainer, type EnvSources } from './env.js';
import { fieldRefValue, formatMap, resourceFieldRefValue, type DownwardPod } from './downward.js';

const pod: DownwardPod = {
  metadata: { name: 'web-0', namespace: 'shop', uid: 'u-1', labels: { app: 'web', tier: 'front' }, annotations: { note: 'a "quoted"\nline' } },
  spec: {
    nodeName: 'node-a',
    serviceAccountName: 'default',
    containers: [{ name: 'app', resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { memory: '1Gi' } } }],
  },
  status: { hostIP: '192.0.2.1', podIP: '10.42.0.7', podIPs: [{ ip: '10.42.0.7' }, { ip: 'fd00::7' }] },
};

const b64 = (s: string) => Buffer.from(s).toString('base64');
const sources: EnvSources = {
  configMap: (name) => Promise.resolve(name === 'cfg' ? { data: { MODE: 'prod', 'bad=key': 'x', 'with space': 'ok', LEVEL: 'debug' } } : undefined),
  secret: (name) => Promise.resolve(name === 'creds' ? { data: { PASSWORD: b64('s3cret') } } : undefined),
  allocatable: { cpu: '4', memory: '16Gi' },
};

test('$(VAR) expansion as upstream: known names replaced, unknown kept, $$ escapes, other $ kept', () => {
  const vars: Record<string, string> = { A: 'x', B: 'y' };
  const lookup = (n: string) => vars[n];
  assert.equal(expand('$(A)-$(B)', lookup), 'x-y');
  assert.equal(expand('$(C) stays', lookup), '$(C) stays');
  assert.equal(expand('$$(A) is literal', lookup), '$(A) is literal');
  assert.equal(expand('cost $5 and $', lookup), 'cost $5 and $');
  assert.equal(expand('open $(A', lookup), 'open $(A');
  assert.equal(expand('$()', lookup), '$()');
});

test('the downward API fields and resources, formatted as upstream', () => {
  assert.equal(fieldRefValue(pod, 'metadata.name'), 'web-0');
  assert.equal(fieldRefValue(pod, "metadata.labels['tier']"), 'front');
  assert.equal(fieldRefValue(pod, "metadata.annotations['missing']"), '');
  assert.equal(fieldRefValue(pod, 'status.podIPs'), '10.42.0.7,fd00::7');
  assert.equal(fieldRefValue(pod, 'status.hostIPs'), '192.0.2.1');
  assert.equal(fieldRefValue(pod, 'metadata.annotations'), 'note="a \\"quoted\\"\\nline"');
  assert.equal(formatMap({ b: '2', a: '1' }), 'a="1"\nb="2"');
  assert.throws(() => fieldRefValue(pod, 'spec.containers'), /unsupported fieldPath: spec.containers/);
  // CPU rounds up in the divisor's units; an unset limit is the node's allocatable.
  assert.equal(resourceFieldRefValue(pod, 'app', 'requests.cpu', undefined, sources.allocatable), '1');
  assert.equal(resourceFieldRefValue(pod, 'app', 'requests.cpu', '1m', sources.allocatable), '250');
  assert.equal(resourceFieldRefValue(pod, 'app', 'limits.cpu', undefined, sources.allocatable), '4');
  assert.equal(resourceFieldRefValue(pod, 'app', 'limits.memory', '1Mi', sources.allocatable), '1024');
  assert.equal(resourceFieldRefValue(pod, 'app', 'requests.memory', undefined, sources.allocatable), String(64 * 1024 * 1024));
  assert.throws(() => resourceFieldRefValue(pod, 'other', 'limits.cpu', undefined, sources.allocatable), /container other not found/);
});

test('envFrom then env in order, each value expanded against what came before; secrets decoded; bad envFrom keys skipped with upstream\'s warning', async () => {
  const c: EnvContainer = {
    name: 'app',
    envFrom: [{ configMapRef: { name: 'cfg' } }, { prefix: 'DB_', secretRef: { name: 'creds' } }],
    env: [
      { name: 'MODE', value: 'dev' },
      { name: 'URL', value: 'http://$(POD_IP):80/$(MODE)/$(NOPE)' },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'LATER', value: '$(POD_IP)' },
      { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
      { name: 'PW', valueFrom: { secretKeyRef: { name: 'creds', key: 'PASSWORD' } } },
      { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'gone', key: 'x', optional: true } } },
    ],
    command: ['sh', '-c'],
    args: ['echo $(URL) $$(MODE) $(UNSET)'],
  };
  const env = await containerEnv(pod, c, sources);
  assert.deepEqual(env.env, [
    ['MODE', 'dev'],
    ['with space', 'ok'],
    ['LEVEL', 'debug'],
    ['DB_PASSWORD', 's3cret'],
    // POD_IP is defined after URL: its reference stays as written, as upstream.
    ['URL', 'http://$(POD_IP):80/dev/$(NOPE)'],
    ['POD_IP', '10.42.0.7'],
    ['LATER', '10.42.0.7'],
    ['MEM', '1024'],
    ['PW', 's3cret'],
    ['OPT', ''],
  ]);
  assert.deepEqual(env.warnings, ['Keys [bad=key] from the EnvFrom configMap shop/cfg were skipped since they are considered invalid environment variable names.']);
  assert.deepEqual(expandCommand(c, env), { command: ['sh', '-c'], args: ['echo http://$(POD_IP):80/dev/$(NOPE) $(MODE) $(UNSET)'] });
});

test('a missing required reference is a CreateContainerConfigError message as upstream\'s', async () => {
  const run = (env: NonNullable<EnvContainer['env']>, envFrom: NonNullable<EnvContainer['envFrom']> = []) => containerEnv(pod, { name: 'app', env, envFrom }, sources);
  await assert.rejects(run([{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'NOPE' } } }]), (e: unknown) => e instanceof EnvError && e.message === "couldn't find key NOPE in ConfigMap shop/cfg");
  await assert.rejects(run([{ name: 'X', valueFrom: { secretKeyRef: { name: 'gone', key: 'k' } } }]), /secret "gone" not found/);
  await assert.rejects(run([], [{ configMapRef: { name: 'gone' } }]), /configMap "gone" not found/);
  assert.deepEqual((await run([], [{ configMapRef: { name: 'gone', optional: true } }])).env, []);
  await assert.rejects(run([{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'spec.bogus' } } }]), (e: unknown) => e instanceof EnvError);
});

test('service links as upstream: the namespace\'s Services (unless disabled) and always default/kubernetes; the container\'s own variables win', async () => {
  const svc = (namespace: string, name: string, clusterIP: string, ports: { name?: string; port: number; protocol?: string }[]) => ({ metadata: { name, namespace }, spec: { clusterIP, ports } });
  const services = [
    svc('default', 'kubernetes', '10.43.0.1', [{ name: 'https', port: 443 }]),
    svc('shop', 'redis-master', '10.43.0.20', [{ port: 6379 }]),
    svc('shop', 'dns', '10.43.0.10', [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }]),
    svc('shop', 'headless', 'None', [{ port: 80 }]),
    svc('other', 'elsewhere', '10.43.0.30', [{ port: 80 }]),
  ];
  const env = new Map((await containerEnv(pod, { name: 'app', env: [{ name: 'REDIS_MASTER_SERVICE_PORT', value: 'mine' }, { name: 'ADDR', value: '$(REDIS_MASTER_SERVICE_HOST):6379' }] }, { ...sources, services })).env);
  assert.equal(env.get('KUBERNETES_SERVICE_HOST'), '10.43.0.1');
  assert.equal(env.get('KUBERNETES_SERVICE_PORT_HTTPS'), '443');
  assert.equal(env.get('KUBERNETES_PORT_443_TCP'), 'tcp://10.43.0.1:443');
  assert.equal(env.get('REDIS_MASTER_SERVICE_HOST'), '10.43.0.20');
  assert.equal(env.get('REDIS_MASTER_SERVICE_PORT'), 'mine');
  assert.equal(env.get('ADDR'), '10.43.0.20:6379');
  assert.equal(env.get('REDIS_MASTER_PORT'), 'tcp://10.43.0.20:6379');
  assert.equal(env.get('REDIS_MASTER_PORT_6379_TCP_ADDR'), '10.43.0.20');
  assert.equal(env.get('DNS_PORT'), 'udp://10.43.0.10:53');
  assert.equal(env.get('DNS_PORT_53_UDP_PROTO'), 'udp');
  assert.equal(env.get('DNS_SERVICE_PORT_DNS_TCP'), '53');
  assert.equal(env.has('HEADLESS_SERVICE_HOST'), false);
  assert.equal(env.has('ELSEWHERE_SERVICE_HOST'), false);
  const off = new Map((await containerEnv({ ...pod, spec: { ...pod.spec, enableServiceLinks: false } }, { name: 'app' }, { ...sources, services })).env);
  assert.deepEqual([off.has('REDIS_MASTER_SERVICE_HOST'), off.get('KUBERNETES_SERVICE_HOST')], [false, '10.43.0.1']);
});
