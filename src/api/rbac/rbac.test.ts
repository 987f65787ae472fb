import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { clusterRoleBindings, roleBindings } from './binding.js';
import { clusterRoles, roles } from './role.js';

const obj = (def: ResourceDef, fields: Record<string, unknown>): KubeObject => {
  const o: KubeObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: def.kind, metadata: { name: 'x', ...(def.namespaced ? { namespace: 'default' } : {}) }, ...fields };
  def.defaults?.(o);
  return o;
};
const errors = (def: ResourceDef, o: KubeObject, old?: KubeObject): string[] => (def.validate?.(o, old) ?? []).map((e) => `${e.field}: ${e.message}`);

void test('role rules: verbs, resources or non-resource URLs (cluster roles only)', () => {
  assert.deepEqual(errors(roles, obj(roles, { rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] })), []);
  assert.deepEqual(errors(roles, obj(roles, { rules: [{}] })), [
    'rules[0].verbs: Required value: verbs must contain at least one value',
    'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
    'rules[0].resources: Required value: resource rules must supply at least one resource',
  ]);
  assert.deepEqual(errors(roles, obj(roles, { rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] })), [
    'rules[0].nonResourceURLs: Invalid value: ["/healthz"]: namespaced rules cannot apply to non-resource URLs',
  ]);
  assert.deepEqual(errors(clusterRoles, obj(clusterRoles, { rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] })), []);
  assert.deepEqual(errors(clusterRoles, obj(clusterRoles, { rules: [{ verbs: ['get'], nonResourceURLs: ['/x'], resources: ['pods'] }] })), [
    'rules[0].nonResourceURLs: Invalid value: ["/x"]: rules cannot apply to both regular resources and non-resource URLs',
  ]);
  assert.deepEqual(errors(roles, obj(roles, { rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods', 'secrets'], resourceNames: ['a'] }] })), [
    'rules[0].resourceNames: Required value: resource names cannot apply to multiple resources',
  ]);
  assert.deepEqual(errors(clusterRoles, obj(clusterRoles, { aggregationRule: {} })), [
    'aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
  ]);
  assert.deepEqual(errors(clusterRoles, obj(clusterRoles, { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }] } })), []);
  assert.deepEqual(roles.validateName!('system:controller:x'), []);
  assert.deepEqual(roles.validateName!('a/b'), ["may not contain '/'"]);
  assert.deepEqual(clusterRoles.validateName!('..'), ["may not be '..'"]);
});

void test('bindings: defaults, roleRef and subjects', () => {
  const rb = obj(roleBindings, { roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'jane' }, { kind: 'ServiceAccount', name: 'sa' }] });
  assert.deepEqual(rb.roleRef, { kind: 'Role', name: 'r', apiGroup: 'rbac.authorization.k8s.io' });
  assert.deepEqual(rb.subjects, [
    { kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' },
    { kind: 'ServiceAccount', name: 'sa' },
  ]);
  // Upstream omits the empty group of a ServiceAccount subject; kubectl apply compares with what it reads back.
  assert.deepEqual(obj(roleBindings, { roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: 'sa', apiGroup: '' }] }).subjects, [{ kind: 'ServiceAccount', name: 'sa' }]);
  assert.deepEqual(errors(roleBindings, rb), []);
  assert.deepEqual(errors(roleBindings, obj(roleBindings, {})), [
    'roleRef.kind: Unsupported value: "": supported values: "Role", "ClusterRole"',
    'roleRef.name: Required value',
  ]);
  const crb = obj(clusterRoleBindings, { roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: 'sa' }, { kind: 'Robot', name: 'r2d2' }, { kind: 'Group', name: '', apiGroup: 'x' }] });
  assert.deepEqual(errors(clusterRoleBindings, crb), [
    'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
    'subjects[0].namespace: Required value',
    'subjects[1].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
    'subjects[2].name: Required value',
    'subjects[2].name: Invalid value: "": group name cannot be empty',
    'subjects[2].apiGroup: Unsupported value: "x": supported values: "rbac.authorization.k8s.io"',
  ]);
  const changed = obj(roleBindings, { roleRef: { kind: 'ClusterRole', name: 'view' } });
  assert.deepEqual(errors(roleBindings, changed, rb), [
    'roleRef: Invalid value: {"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"}: cannot change roleRef',
  ]);
  assert.deepEqual(errors(roleBindings, rb, rb), []);
});
