import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlagError, formatFlags, parseFlags, type FlagSpecs } from './flags.js';
import { serverFlags, serverOptions } from './server-flags.js';
import { agentFlags, agentOptions } from './agent-flags.js';

const specs = {
  port: { type: 'number', default: 6443, description: 'port' },
  name: { type: 'string', description: 'name' },
  mode: { type: 'string', choices: ['a', 'b'], default: 'a', description: 'mode' },
  quiet: { type: 'boolean', default: false, description: 'quiet' },
} as const satisfies FlagSpecs;

void test('--flag value, --flag=value, booleans and defaults', () => {
  const p = parseFlags(specs, ['--port', '7443', '--name=x=y', '--quiet', 'rest', '--', '--not-a-flag']);
  assert.deepEqual(p.values, { port: 7443, name: 'x=y', mode: 'a', quiet: true });
  assert.deepEqual(p.args, ['rest', '--not-a-flag']);
  assert.equal(p.help, false);
  assert.equal(parseFlags(specs, ['--quiet=false']).values.quiet, false);
  assert.equal(parseFlags(specs, ['--quiet', '--port=1']).values.port, 1);
  assert.equal(parseFlags(specs, ['-h']).help, true);
});

void test('bad command lines throw FlagError with a code', () => {
  const code = (argv: string[]) => {
    try {
      parseFlags(specs, argv);
    } catch (err) {
      assert.ok(err instanceof FlagError);
      return err.code;
    }
    return 'none';
  };
  assert.equal(code(['--nope']), 'UnknownFlag');
  assert.equal(code(['-x']), 'UnknownFlag');
  assert.equal(code(['--name']), 'MissingValue');
  assert.equal(code(['--name', '--quiet']), 'MissingValue');
  assert.equal(code(['--port', '12a']), 'InvalidValue');
  assert.equal(code(['--mode', 'c']), 'InvalidValue');
  assert.equal(code(['--quiet=yes']), 'InvalidValue');
  assert.equal(code(['--toString']), 'UnknownFlag');
});

void test('help lists every flag with its default', () => {
  const help = formatFlags(serverFlags);
  for (const name of Object.keys(serverFlags)) assert.match(help, new RegExp(`--${name}\\b`));
  assert.match(help, /--https-port PORT +HTTPS port of the API server \(default: 6443\)/);
});

const env = { uid: 1000, home: '/home/u', hostname: 'Node-1', cwd: '/work' };

void test('server defaults follow k3s and depend on the user', () => {
  const o = serverOptions(parseFlags(serverFlags, []).values, env);
  assert.deepEqual(o, {
    dataDir: '/home/u/.skiff',
    httpsPort: 6443,
    bindAddress: '127.0.0.1',
    datastoreEndpoint: 'sqlite:///home/u/.skiff/state.db',
    clusterCIDR: '10.42.0.0/16',
    serviceCIDR: '10.43.0.0/16',
    clusterDNS: '10.43.0.10',
    clusterDomain: 'cluster.local',
    serviceAccountIssuer: 'https://kubernetes.default.svc.cluster.local',
    runtime: 'containerd',
    disableAgent: false,
    offlineImageFallback: true,
    disableScheduler: false,
    disableControllerManager: false,
    nodeName: 'node-1',
    kubeletPort: 10250,
    nodeMonitorGracePeriodMs: 40_000,
    logLevel: 'info',
    logFormat: 'logfmt',
  });
  const root = serverOptions(parseFlags(serverFlags, ['--token', 't0k']).values, { ...env, uid: 0 });
  assert.equal(root.dataDir, '/var/lib/skiff');
  assert.equal(root.datastoreEndpoint, 'sqlite:///var/lib/skiff/state.db');
  assert.equal(root.token, 't0k');
  const rel = serverOptions(parseFlags(serverFlags, ['--data-dir', 'data']).values, env);
  assert.equal(rel.dataDir, '/work/data');
});

void test('server values are checked', () => {
  const bad = (argv: string[]) => () => serverOptions(parseFlags(serverFlags, argv).values, env);
  assert.throws(bad(['--bind-address', 'localhost']), { code: 'InvalidValue' });
  assert.throws(bad(['--service-cidr', '10.43.0.0']), { code: 'InvalidValue' });
  assert.throws(bad(['--cluster-cidr', '10.42.0.0/33']), { code: 'InvalidValue' });
  assert.throws(bad(['--https-port', '70000']), { code: 'InvalidValue' });
  assert.throws(bad(['--datastore-endpoint', 'mysql://x']), { code: 'InvalidValue' });
  assert.throws(bad(['--node-name', 'a_b']), { code: 'InvalidValue' });
  assert.throws(bad(['--runtime', 'docker']), { code: 'InvalidValue' });
  for (const d of ['40', 's', '1x', '0s', '-5s', '5 s']) assert.throws(bad(['--node-monitor-grace-period', d]), { code: 'InvalidValue' }, d);
});

void test('--node-monitor-grace-period takes a Go duration', () => {
  const grace = (d: string) => serverOptions(parseFlags(serverFlags, ['--node-monitor-grace-period', d]).values, env).nodeMonitorGracePeriodMs;
  assert.equal(grace('5s'), 5000);
  assert.equal(grace('1m30s'), 90_000);
  assert.equal(grace('1.5h'), 5_400_000);
  assert.equal(grace('2500ms'), 2500);
});

void test('a list flag collects every value in order; other flags keep the last', () => {
  const listSpecs = { tag: { type: 'list', placeholder: 'NAME', description: 'tag' }, out: { type: 'string', description: 'out' } } as const satisfies FlagSpecs;
  const p = parseFlags(listSpecs, ['--tag', 'a:1', '--out=x', '--tag=b:2', '--out', 'y']);
  assert.deepEqual(p.values, { tag: ['a:1', 'b:2'], out: 'y' });
  assert.equal(parseFlags(listSpecs, []).values.tag, undefined);
  assert.match(formatFlags(listSpecs), /--tag NAME\s+tag \(may repeat\)/);
});

void test('--pod-manifest-path on server and agent: resolved against the working dir, refused with --runtime fake', () => {
  assert.equal(serverOptions(parseFlags(serverFlags, ['--pod-manifest-path', 'manifests']).values, env).podManifestPath, '/work/manifests');
  assert.equal(serverOptions(parseFlags(serverFlags, []).values, env).podManifestPath, undefined);
  assert.throws(() => serverOptions(parseFlags(serverFlags, ['--runtime', 'fake', '--pod-manifest-path', '/m']).values, env), { code: 'InvalidValue', message: /static pods need --runtime containerd/ });
  const agent = (argv: string[]) => agentOptions(parseFlags(agentFlags, ['--server', 'https://127.0.0.1:6443', '--token', 't', ...argv]).values, env);
  assert.equal(agent(['--pod-manifest-path', '/etc/skiff/manifests']).podManifestPath, '/etc/skiff/manifests');
  assert.throws(() => agent(['--runtime', 'fake', '--pod-manifest-path', '/m']), { code: 'InvalidValue' });
});
