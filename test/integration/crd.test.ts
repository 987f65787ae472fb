import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';
import { openWatch } from '../support/watch.js';

// CustomResourceDefinitions and the custom resources they serve, through
// the same generic handlers as the built-in kinds.

type Obj = { apiVersion: string; kind: string; metadata: { name: string; generation?: number; resourceVersion?: string; finalizers?: string[] }; spec?: Record<string, unknown>; status?: Record<string, unknown> };
type CRDStatus = { conditions?: { type: string; status: string; reason: string; message: string }[]; acceptedNames?: Record<string, unknown>; storedVersions?: string[] };

const crd = (plural = 'crontabs', kind = 'CronTab', group = 'stable.example.com') => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${plural}.${group}` },
  spec: {
    group,
    scope: 'Namespaced',
    names: { plural, singular: plural.replace(/s$/, ''), kind, shortNames: ['ct'], categories: ['all'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: {
                  cronSpec: { type: 'string', pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$' },
                  image: { type: 'string' },
                  replicas: { type: 'integer', minimum: 0, default: 1 },
                  selector: { type: 'string' },
                  extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                },
                required: ['image'],
              },
              status: { type: 'object', properties: { replicas: { type: 'integer' }, selector: { type: 'string' }, phase: { type: 'string' } } },
            },
          },
        },
        subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
        additionalPrinterColumns: [
          { name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' },
          { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
          { name: 'Image', type: 'string', jsonPath: '.spec.image', priority: 1 },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
      },
    ],
  },
});

const base = '/apis/stable.example.com/v1/namespaces/default/crontabs';
const crdPath = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

describe('CustomResourceDefinitions', () => {
  let api: TestAPIServer;

  /** Wait (through a watch, no timing) until the CRD has condition `type` True. */
  const waitCondition = async (name: string, type: string) => {
    const w = openWatch(api.server, `${crdPath}?watch=true&fieldSelector=metadata.name=${name}`);
    try {
      for (;;) {
        const e = await w.next(10_000);
        const status = (e.object as unknown as { status?: CRDStatus }).status;
        if (status?.conditions?.some((c) => c.type === type && c.status === 'True')) return status;
      }
    } finally {
      w.close();
    }
  };
  /** Wait until a path answers 404 (through a watch of the CRD's deletion). */
  const waitGone = async (name: string) => {
    const w = openWatch(api.server, `${crdPath}?watch=true&fieldSelector=metadata.name=${name}`);
    try {
      for (;;) if ((await w.next(10_000)).type === 'DELETED') return;
    } finally {
      w.close();
    }
  };

  before(async () => {
    api = await startTestAPIServer();
  });
  after(async () => {
    await api.stop();
  });

  test('an invalid CRD gets 422 with upstream messages', async () => {
    const bad = crd();
    bad.metadata.name = 'wrong.stable.example.com';
    (bad.spec.versions[0] as { storage: boolean }).storage = false;
    const [v0] = bad.spec.versions;
    assert.ok(v0);
    (v0.schema.openAPIV3Schema.properties.spec.properties as Record<string, unknown>).untyped = { description: 'no type' };
    const r = await api.request('POST', crdPath, bad);
    assert.equal(r.status, 422);
    const msg = (r.body as { message: string }).message;
    assert.match(msg, /^CustomResourceDefinition\.apiextensions\.k8s\.io "wrong\.stable\.example\.com" is invalid: \[/);
    assert.ok(msg.includes('metadata.name: Invalid value: "wrong.stable.example.com": must be spec.names.plural+"."+spec.group'), msg);
    assert.ok(msg.includes('spec.versions: Invalid value: '), msg);
    assert.ok(msg.includes('must have exactly one version marked as storage version'), msg);
    assert.ok(msg.includes('spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[untyped].type: Required value: must not be empty for specified object fields'), msg);
  });

  test('a CRD becomes Established with accepted names; its resources are discovered', async () => {
    const r = await api.request('POST', crdPath, crd());
    assert.equal(r.status, 201, r.text);
    const created = r.body as Obj & { status: CRDStatus };
    assert.deepEqual(created.status.storedVersions, ['v1']);
    assert.deepEqual(created.metadata.finalizers, ['customresourcecleanup.apiextensions.k8s.io']);
    const status = await waitCondition('crontabs.stable.example.com', 'Established');
    const names = status.conditions?.find((c) => c.type === 'NamesAccepted');
    assert.deepEqual([names?.status, names?.reason, names?.message], ['True', 'NoConflicts', 'no conflicts found']);
    const est = status.conditions?.find((c) => c.type === 'Established');
    assert.deepEqual([est?.reason, est?.message], ['InitialNamesAccepted', 'the initial names have been accepted']);
    assert.equal(status.acceptedNames?.kind, 'CronTab');
    assert.equal(status.acceptedNames.listKind, 'CronTabList');

    const groups = await api.get<{ groups: { name: string }[] }>('/apis');
    assert.ok(groups.groups.some((g) => g.name === 'stable.example.com'));
    const group = await api.get<{ preferredVersion: { version: string } }>('/apis/stable.example.com');
    assert.equal(group.preferredVersion.version, 'v1');
    const list = await api.get<{ resources: { name: string; shortNames?: string[]; categories?: string[]; kind: string }[] }>('/apis/stable.example.com/v1');
    assert.deepEqual(list.resources.map((x) => x.name), ['crontabs', 'crontabs/status', 'crontabs/scale']);
    assert.deepEqual(list.resources[0]?.shortNames, ['ct']);
    assert.deepEqual(list.resources[0].categories, ['all']);
    const agg = await api.request('GET', '/apis', undefined, { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' });
    assert.match(agg.text, /"resource":"crontabs"/);
    const root = await api.get<{ paths: Record<string, unknown> }>('/openapi/v3');
    assert.ok('apis/stable.example.com/v1' in root.paths);
    const doc = await api.get<{ components: { schemas: Record<string, { 'x-kubernetes-group-version-kind'?: unknown[]; properties?: Record<string, unknown> }> } }>('/openapi/v3/apis/stable.example.com/v1');
    const schema = Object.values(doc.components.schemas).find((x) => JSON.stringify(x['x-kubernetes-group-version-kind']) === JSON.stringify([{ group: 'stable.example.com', version: 'v1', kind: 'CronTab' }]));
    assert.ok(schema?.properties?.spec);
  });

  test('a second CRD with a taken kind gets NamesAccepted False', async () => {
    const other = crd('crontabz', 'CronTab');
    other.spec.names.shortNames = [];
    assert.equal((await api.request('POST', crdPath, other)).status, 201);
    const w = openWatch(api.server, `${crdPath}?watch=true&fieldSelector=metadata.name=crontabz.stable.example.com`);
    try {
      for (;;) {
        const status = ((await w.next(10_000)).object as unknown as { status?: CRDStatus }).status;
        const c = status?.conditions?.find((x) => x.type === 'NamesAccepted');
        if (!c) continue;
        assert.deepEqual([c.status, c.reason, c.message], ['False', 'KindConflict', '"CronTab" is already in use']);
        assert.equal(status?.conditions?.find((x) => x.type === 'Established')?.status, 'False');
        break;
      }
    } finally {
      w.close();
    }
    assert.equal((await api.request('GET', '/apis/stable.example.com/v1/crontabz')).status, 404);
  });

  test('custom resources: create with pruning and defaults, 422 with upstream messages, list, watch, patch', async () => {
    const w = openWatch(api.server, `${base}?watch=true`);
    try {
      const r = await api.request('POST', base, { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'a' }, spec: { cronSpec: '* * * * */5', image: 'img', unknown: 1, extra: { kept: true } }, status: { phase: 'x' } });
      assert.equal(r.status, 201, r.text);
      const a = r.body as Obj;
      assert.deepEqual(a.spec, { cronSpec: '* * * * */5', image: 'img', extra: { kept: true }, replicas: 1 });
      assert.equal(a.status, undefined);
      assert.equal(a.metadata.generation, 1);
      const e = await w.next();
      assert.equal(e.type, 'ADDED');
      assert.equal(e.object.metadata.name, 'a');
    } finally {
      w.close();
    }

    const bad = await api.request('POST', base, { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'b' }, spec: { replicas: 'three', cronSpec: 'x' } });
    assert.equal(bad.status, 422);
    const status = bad.body as { message: string; reason: string; details: { causes: { reason: string; field: string; message: string }[] } };
    assert.equal(status.reason, 'Invalid');
    assert.equal(
      status.message,
      'CronTab.stable.example.com "b" is invalid: [spec.image: Required value, spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string", spec.cronSpec: Invalid value: "x": spec.cronSpec in body should match \'^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$\']',
    );
    assert.deepEqual(status.details.causes.map((c) => c.reason), ['FieldValueRequired', 'FieldValueTypeInvalid', 'FieldValueInvalid']);

    const strict = await api.request('POST', `${base}?fieldValidation=Strict`, { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'c' }, spec: { image: 'i', bogus: 1 } });
    assert.equal(strict.status, 400);
    assert.equal((strict.body as { message: string }).message, 'CronTab in version "v1" cannot be handled as a CronTab: strict decoding error: unknown field "spec.bogus"');

    const list = await api.get<{ kind: string; items: Obj[] }>(base);
    assert.equal(list.kind, 'CronTabList');
    assert.deepEqual(list.items.map((i) => i.metadata.name), ['a']);
    const byField = await api.get<{ items: Obj[] }>(`/apis/stable.example.com/v1/crontabs?fieldSelector=metadata.name=a`);
    assert.equal(byField.items.length, 1);

    const merge = await api.request('PATCH', `${base}/a`, { spec: { image: 'img2' } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(merge.status, 200, merge.text);
    assert.equal((merge.body as Obj).metadata.generation, 2);
    const json = await api.request('PATCH', `${base}/a`, [{ op: 'replace', path: '/spec/replicas', value: 2 }], { 'Content-Type': 'application/json-patch+json' });
    assert.equal((json.body as Obj).spec?.replicas, 2);
    const smp = await api.request('PATCH', `${base}/a`, { spec: { image: 'x' } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
    assert.equal(smp.status, 415);
    assert.match((smp.body as { message: string }).message, /accepted media types include: application\/json-patch\+json, application\/merge-patch\+json, application\/apply-patch\+yaml/);
  });

  test('status and scale subresources', async () => {
    const cur = await api.get<Obj>(`${base}/a`);
    const ignored = await api.request('PUT', `${base}/a`, { ...cur, status: { replicas: 9 } });
    assert.equal((ignored.body as Obj).status, undefined);
    const st = await api.request('PUT', `${base}/a/status`, { ...cur, spec: { image: 'ignored' }, status: { replicas: 2, selector: 'app=a' } });
    assert.equal(st.status, 200, st.text);
    assert.deepEqual((st.body as Obj).status, { replicas: 2, selector: 'app=a' });
    assert.equal((st.body as Obj).spec?.image, 'img2');
    assert.equal((st.body as Obj).metadata.generation, cur.metadata.generation);
    const scale = await api.get<{ kind: string; spec: { replicas: number }; status: { replicas: number; selector: string } }>(`${base}/a/scale`);
    assert.deepEqual([scale.kind, scale.spec.replicas, scale.status.replicas, scale.status.selector], ['Scale', 2, 2, 'app=a']);
    const scaled = await api.request('PATCH', `${base}/a/scale`, { spec: { replicas: 5 } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(scaled.status, 200, scaled.text);
    assert.equal((await api.get<Obj>(`${base}/a`)).spec?.replicas, 5);
  });

  test('printer columns in the Table, priority for -o wide', async () => {
    const r = await api.request('GET', base, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    const table = r.body as { columnDefinitions: { name: string; type: string; priority: number }[]; rows: { cells: unknown[] }[] };
    assert.deepEqual(table.columnDefinitions.map((c) => [c.name, c.type, c.priority]), [['Name', 'string', 0], ['Spec', 'string', 0], ['Replicas', 'integer', 0], ['Image', 'string', 1], ['Age', 'date', 0]]);
    assert.deepEqual(table.rows[0]?.cells.slice(0, 4), ['a', '* * * * */5', 5, 'img2']);
  });

  test('deleting the CRD removes its custom resources and endpoints; kept across a restart', async () => {
    const second = crd('widgets', 'Widget', 'things.example.org');
    second.spec.names.shortNames = ['wd'];
    assert.equal((await api.request('POST', crdPath, second)).status, 201);
    await waitCondition('widgets.things.example.org', 'Established');
    const wpath = '/apis/things.example.org/v1/namespaces/default/widgets';
    assert.equal((await api.request('POST', wpath, { apiVersion: 'things.example.org/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { image: 'i' } })).status, 201);

    api = await api.restart();
    assert.equal((await api.get<Obj>(`${wpath}/w`)).spec?.replicas, 1);
    assert.equal((await api.get<Obj>(`${base}/a`)).spec?.replicas, 5);

    const gone = waitGone('widgets.things.example.org');
    const del = await api.request('DELETE', `${crdPath}/widgets.things.example.org`);
    assert.equal(del.status, 200, del.text);
    await gone;
    assert.equal((await api.request('GET', wpath)).status, 404);
    assert.equal((await api.request('GET', '/apis/things.example.org')).status, 404);
    assert.equal(await api.store.count('/registry/things.example.org/widgets/'), 0);
    // The other CRD's resources stay.
    assert.equal((await api.request('GET', `${base}/a`)).status, 200);
  });
});
