import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerdConfig, containerdPaths } from './config.js';

test('containerdPaths keeps everything of the node\'s containerd under its data dir', () => {
  const p = containerdPaths('/var/lib/skiff');
  assert.equal(p.socket, '/var/lib/skiff/containerd/containerd.sock');
  assert.equal(p.configFile, '/var/lib/skiff/containerd/config.toml');
  assert.equal(p.root, '/var/lib/skiff/containerd/root');
  assert.equal(p.state, '/var/lib/skiff/containerd/state');
  assert.equal(p.cniConfDir, '/var/lib/skiff/cni/net.d');
  assert.equal(p.registryConfigDir, '/var/lib/skiff/containerd/certs.d');
});

test('the containerd config: own socket and dirs, CRI with runc on cgroupfs, overlayfs, Debian CNI, clamped oom_score_adj, registry hosts dir', () => {
  const toml = containerdConfig({ paths: containerdPaths('/d'), sandboxImage: 'docker.io/library/pause:"x"' });
  const lines = toml.split('\n').map((l) => l.trim());
  const section = (name: string) => {
    const start = lines.indexOf(name);
    assert.notEqual(start, -1, `section ${name}`);
    const end = lines.findIndex((l, i) => i > start && l.startsWith('['));
    return lines.slice(start + 1, end === -1 ? undefined : end).filter(Boolean);
  };
  assert.equal(lines[1], 'version = 2');
  assert.ok(lines.includes('root = "/d/containerd/root"'));
  assert.ok(lines.includes('state = "/d/containerd/state"'));
  assert.deepEqual(section('[grpc]'), ['address = "/d/containerd/containerd.sock"']);
  const cri = section('[plugins."io.containerd.grpc.v1.cri"]');
  assert.ok(cri.includes('sandbox_image = "docker.io/library/pause:\\"x\\""'), 'strings are TOML-escaped');
  assert.ok(cri.includes('restrict_oom_score_adj = true'));
  assert.ok(section('[plugins."io.containerd.grpc.v1.cri".containerd]').includes('snapshotter = "overlayfs"'));
  assert.deepEqual(section('[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]'), ['runtime_type = "io.containerd.runc.v2"']);
  assert.deepEqual(section('[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]'), ['SystemdCgroup = false']);
  assert.deepEqual(section('[plugins."io.containerd.grpc.v1.cri".cni]'), ['bin_dir = "/usr/lib/cni"', 'conf_dir = "/d/cni/net.d"']);
  assert.deepEqual(section('[plugins."io.containerd.grpc.v1.cri".registry]'), ['config_path = "/d/containerd/certs.d"']);
});
