import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { configMaps, namespaces, serviceAccounts } from '../../src/api/core/index.js';
import { isNotFound, type Client } from '../../src/client/index.js';
import { newRootCACertPublisher, newServiceAccountController } from '../../src/controllers/serviceaccount.js';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';
import { runControllers, waitFor, type TestControllers } from '../support/controllers.js';

// Every namespace gets a `default` ServiceAccount and the cluster CA in `kube-root-ca.crt`.

describe('serviceaccount and root-ca-cert-publisher controllers', () => {
  let api: TestAPIServer;
  let cms: TestControllers;
  let client: Client;
  before(async () => {
    api = await startTestAPIServer();
    cms = runControllers(api, [newServiceAccountController(), newRootCACertPublisher()]);
    client = cms.client;
  });
  after(async () => {
    await cms.stop();
    await api.stop();
  });

  test('system namespaces and a new one get the default account and the root CA; both come back when deleted', async () => {
    for (const ns of ['default', 'kube-system']) await waitFor(`default account in ${ns}`, () => client.get(serviceAccounts, ns, 'default'));
    await client.create(namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    const sa = await waitFor('default account in team', () => client.get(serviceAccounts, 'team', 'default'));
    const ca = await waitFor('the root CA in team', () => client.get(configMaps, 'team', 'kube-root-ca.crt'));
    assert.equal((ca.data as Record<string, string>)['ca.crt'], api.server.caCert);

    await client.delete(serviceAccounts, 'team', 'default');
    await waitFor('a new default account', async () => (await client.get(serviceAccounts, 'team', 'default')).metadata.uid !== sa.metadata.uid);
    await client.patch(configMaps, 'team', 'kube-root-ca.crt', { data: { 'ca.crt': 'tampered' } });
    await waitFor('the CA put back', async () => ((await client.get(configMaps, 'team', 'kube-root-ca.crt')).data as Record<string, string>)['ca.crt'] === api.server.caCert);
    await client.delete(configMaps, 'team', 'kube-root-ca.crt');
    await waitFor('the CA re-published', async () => client.get(configMaps, "team", "kube-root-ca.crt").catch((err: unknown) => { if (isNotFound(err)) return undefined; throw err; }));
  });
});
