import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';
import type { Schema } from '../../src/api/schema/index.js';

let api: TestAPIServer;
before(async () => {
  api = await startTestAPIServer();
});
after(() => api.stop());

interface Doc {
  paths: Record<string, unknown>;
  components: { schemas: Record<string, Schema> };
}

const doc = async (gv: string): Promise<Doc> => {
  const root = await api.get<{ paths: Record<string, { serverRelativeURL: string }> }>('/openapi/v3');
  const url = root.paths[gv]?.serverRelativeURL;
  assert.ok(url, `no ${gv} in /openapi/v3`);
  return api.get<Doc>(url);
};

test('each group-version document carries its kinds, found by group-version-kind, with what they refer to', async () => {
  const apps = await doc('apis/apps/v1');
  const deployment = apps.components.schemas['io.k8s.api.apps.v1.Deployment'];
  assert.deepEqual(deployment?.['x-kubernetes-group-version-kind'], [{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
  assert.equal(deployment.properties?.spec?.$ref, '#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec');
  // Every reference resolves inside the same document, as kubectl explain needs.
  const refs = JSON.stringify(apps).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
  for (const r of new Set(refs)) assert.ok(apps.components.schemas[(JSON.parse(r) as string).slice('#/components/schemas/'.length)], `unresolved ${r}`);
  assert.ok(apps.components.schemas['io.k8s.api.core.v1.PodSpec']);
  assert.ok(apps.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
});

test('schemas carry the list merge metadata that patches and server-side apply use', async () => {
  const core = await doc('api/v1');
  const s = core.components.schemas;
  const containers = s['io.k8s.api.core.v1.PodSpec']?.properties?.containers;
  assert.equal(containers?.['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(containers['x-kubernetes-list-type'], 'map');
  const ports = s['io.k8s.api.core.v1.Container']?.properties?.ports;
  assert.deepEqual(ports?.['x-kubernetes-list-map-keys'], ['containerPort', 'protocol']);
  assert.equal(s['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']?.properties?.finalizers?.['x-kubernetes-list-type'], 'set');
  assert.equal(s['io.k8s.api.core.v1.PodStatus']?.properties?.conditions?.['x-kubernetes-patch-merge-key'], 'type');
  assert.equal(s['io.k8s.api.core.v1.PodSpec']?.properties?.tolerations?.['x-kubernetes-list-type'], 'atomic');
});
