import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isImageError } from './errors.js';
import { parseReference } from './reference.js';

void test('short names normalise as docker and containerd spell them', () => {
  const cases: [string, string, string][] = [
    ['busybox', 'docker.io/library/busybox:latest', 'latest'],
    ['busybox:1.35', 'docker.io/library/busybox:1.35', '1.35'],
    ['me/app:v1', 'docker.io/me/app:v1', 'v1'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest', 'latest'],
    ['index.docker.io/library/redis:7', 'docker.io/library/redis:7', '7'],
    ['registry.k8s.io/pause:3.9', 'registry.k8s.io/pause:3.9', '3.9'],
    ['localhost/skiff/pause', 'localhost/skiff/pause:latest', 'latest'],
    ['localhost:5000/a/b:c', 'localhost:5000/a/b:c', 'c'],
  ];
  for (const [input, name, tag] of cases) {
    const ref = parseReference(input);
    assert.equal(ref.name, name, input);
    assert.equal(ref.tag, tag, input);
    assert.equal(`${ref.repository}:${ref.tag}`, ref.name);
  }
});

void test('invalid names and digests are InvalidReference errors', () => {
  for (const bad of ['', 'Busybox', 'busybox:', 'a//b', 'busybox@sha256:' + '0'.repeat(64), 'bad name', 'x:' + 't'.repeat(129)]) {
    assert.throws(() => parseReference(bad), (err) => isImageError(err, 'InvalidReference'), bad);
  }
});
