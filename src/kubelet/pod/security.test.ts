import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerSecurity, effectiveSecurity, nonRootViolation, sandboxSecurity } from './security.js';

void test('a container\'s securityContext overrides the pod\'s; fsGroup joins the supplemental groups', () => {
  const pod = { spec: { securityContext: { runAsUser: 1000, runAsGroup: 2000, fsGroup: 3000, supplementalGroups: [4000], seccompProfile: { type: 'RuntimeDefault' } }, containers: [] } };
  assert.deepEqual(containerSecurity(pod, { securityContext: { runAsUser: 1001, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] } } }), {
    capabilities: { addCapabilities: ['NET_ADMIN'], dropCapabilities: ['ALL'] },
    runAsUser: { value: '1001' },
    runAsGroup: { value: '2000' },
    readonlyRootfs: true,
    supplementalGroups: ['4000', '3000'],
    noNewPrivs: true,
    seccomp: { profileType: 'RuntimeDefault' },
  });
  // Nothing asked, nothing passed: containerd's defaults (no seccomp profile, as upstream's Unconfined default).
  assert.deepEqual(containerSecurity({}, {}), {});
  assert.deepEqual(effectiveSecurity(pod, { securityContext: { runAsNonRoot: true } }).runAsUser, 1000);
});

void test('a privileged container makes its sandbox privileged; the sandbox runs as the pod\'s user', () => {
  assert.deepEqual(sandboxSecurity({ spec: { securityContext: { runAsUser: 5 }, containers: [{ securityContext: { privileged: true } }] } }), { runAsUser: { value: '5' }, privileged: true });
  assert.deepEqual(sandboxSecurity({ spec: { containers: [{}] } }), {});
  assert.deepEqual(containerSecurity({}, { securityContext: { privileged: true } }), { privileged: true });
});

void test('runAsNonRoot refuses root as upstream\'s verifyRunAsNonRoot', () => {
  assert.equal(nonRootViolation({}, { uid: 0, username: '' }), undefined);
  assert.equal(nonRootViolation({ runAsNonRoot: true, runAsUser: 0 }, { uid: 1000, username: '' }), 'container\'s runAsUser breaks non-root policy');
  assert.equal(nonRootViolation({ runAsNonRoot: true, runAsUser: 1000 }, { uid: 0, username: '' }), undefined);
  assert.equal(nonRootViolation({ runAsNonRoot: true }, { uid: 0, username: '' }), 'container has runAsNonRoot and image will run as root');
  assert.equal(nonRootViolation({ runAsNonRoot: true }, { username: '' }), 'container has runAsNonRoot and image will run as root');
  assert.equal(nonRootViolation({ runAsNonRoot: true }, { username: 'nginx' }), 'container has runAsNonRoot and image has non-numeric user (nginx), cannot verify user is non-root');
  assert.equal(nonRootViolation({ runAsNonRoot: true }, { uid: 101, username: '' }), undefined);
});
