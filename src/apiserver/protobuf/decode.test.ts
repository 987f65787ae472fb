import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeProtobufObject, isProtobufError } from './decode.js';
import { formatDuration } from './message.js';
import { encodeMessage, type Field } from './wire.js';

// Bodies captured from kubectl 1.32 (`kubectl create deployment web
// --image=nginx:1.27 --replicas=0 --port=80`, `create cronjob cj
// --image=busybox --schedule='*/5 * * * *' -- date`) against a recording server.
const deployment =
  '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412bd010a1f0a0377656212001a0022002a003200380042005a0a0a036170701203776562128b010800120c0a0a0a0361707012037765621a710a1c0a0012001a0022002a003200380042005a0a0a036170701203776562125112330a056e67696e78120a6e67696e783a312e32372a00320a0a001000185022002a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200';
const cronJob =
  '6b3873000a130a0862617463682f7631120743726f6e4a6f6212a4010a120a02636a12001a0022002a00320038004200128b010a0b2a2f35202a202a202a202a1a002a7a0a120a02636a12001a0022002a00320038004200126432620a100a0012001a0022002a00320038004200124e12270a02636a120762757379626f781a04646174652a0042006a007200800100880100900100a201001a094f6e4661696c757265320042004a0052005800600068008201008a01009a0100c201001a001a002200';

const MAGIC = Uint8Array.from([0x6b, 0x38, 0x73, 0x00]);

/** A protobuf body as kubectl writes it: magic, then runtime.Unknown. */
function body(apiVersion: string, kind: string, raw: readonly Field[]): Uint8Array {
  return Buffer.concat([MAGIC, encodeMessage([[1, [[1, apiVersion], [2, kind]]], [2, encodeMessage(raw)]])]);
}

const isCode = (code: 'BadMagic' | 'UnknownKind' | 'Malformed') => (e: unknown) => isProtobufError(e, code);

test('decodes kubectl create deployment: replicas 0 survives, gogo zero fields do not', () => {
  assert.deepEqual(decodeProtobufObject(Buffer.from(deployment, 'hex')), {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: {} }] },
      },
      strategy: {},
    },
    status: {},
  });
});

test('decodes kubectl create cronjob', () => {
  const cj = decodeProtobufObject(Buffer.from(cronJob, 'hex'));
  assert.equal(cj.kind, 'CronJob');
  const spec = cj.spec as { schedule: string; jobTemplate: { metadata: unknown; spec: { template: { spec: { containers: unknown[]; restartPolicy: string } } } } };
  assert.equal(spec.schedule, '*/5 * * * *');
  assert.deepEqual(spec.jobTemplate.metadata, { name: 'cj' });
  assert.equal(spec.jobTemplate.spec.template.spec.restartPolicy, 'OnFailure');
  assert.deepEqual(spec.jobTemplate.spec.template.spec.containers, [{ name: 'cj', image: 'busybox', command: ['date'], resources: {} }]);
});

test('decodes ObjectMeta in full: times, owner references, managed fields, finalizers', () => {
  const meta: Field[] = [
    [1, 'cm'],
    [3, 'ns'],
    [7, 3],
    [8, [[1, 1700000000]]], // creationTimestamp
    [9, [[1, 1700000100], [2, 5]]], // deletionTimestamp (nanos dropped in JSON)
    [10, 0], // deletionGracePeriodSeconds: a pointer, so 0 is kept
    [11, [[1, 'app'], [2, 'web']]],
    [11, [[1, 'tier'], [2, '']]],
    [12, [[1, 'note'], [2, 'hi']]],
    [13, [[1, 'ReplicaSet'], [3, 'rs'], [4, 'u-1'], [5, 'apps/v1'], [6, 1], [7, 0]]],
    [14, 'a/b'],
    [14, 'c/d'],
    [17, [[1, 'kubectl'], [2, 'Update'], [3, 'v1'], [4, [[1, 1700000000]]], [6, 'FieldsV1'], [7, [[1, '{"f:data":{}}']]]]],
    [99, 'an unknown field is skipped'],
  ];
  const obj = decodeProtobufObject(body('v1', 'ConfigMap', [[1, meta], [2, [[1, 'k'], [2, 'v']]], [4, 0]]));
  assert.deepEqual(obj, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'cm',
      namespace: 'ns',
      generation: 3,
      creationTimestamp: '2023-11-14T22:13:20Z',
      deletionTimestamp: '2023-11-14T22:15:00Z',
      deletionGracePeriodSeconds: 0,
      labels: { app: 'web', tier: '' },
      annotations: { note: 'hi' },
      ownerReferences: [{ kind: 'ReplicaSet', name: 'rs', uid: 'u-1', apiVersion: 'apps/v1', controller: true, blockOwnerDeletion: false }],
      finalizers: ['a/b', 'c/d'],
      managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2023-11-14T22:13:20Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }],
    },
    data: { k: 'v' },
    immutable: false,
  });
});

test('an empty Time is the zero time and is left out', () => {
  const obj = decodeProtobufObject(body('v1', 'Namespace', [[1, [[1, 'n'], [8, []]]]]));
  assert.deepEqual(obj.metadata, { name: 'n' });
});

test('secret data is bytes (base64 in JSON); IntOrString, Quantity and MicroTime', () => {
  const secret = decodeProtobufObject(body('v1', 'Secret', [[2, [[1, 'k'], [2, Uint8Array.from([0, 255, 1])]]], [3, 'Opaque']]));
  assert.deepEqual(secret.data, { k: Buffer.from([0, 255, 1]).toString('base64') });
  const ports: Field[] = [
    [1, [[3, 80], [4, [[1, 0], [2, 8080]]]]],
    [1, [[3, 443], [4, [[1, 1], [3, 'https']]]]],
  ];
  const svc = decodeProtobufObject(body('v1', 'Service', [[2, ports]]));
  assert.deepEqual((svc.spec as { ports: unknown }).ports, [
    { port: 80, targetPort: 8080 },
    { port: 443, targetPort: 'https' },
  ]);
  const limits: Field[] = [[1, [[1, 'cpu'], [2, [[1, '500m']]]]]];
  const pod = decodeProtobufObject(body('v1', 'Pod', [[2, [[2, [[1, 'c'], [8, limits]]]]]]));
  assert.deepEqual(pod.spec, { containers: [{ name: 'c', resources: { limits: { cpu: '500m' } } }] });
  const lease = decodeProtobufObject(body('coordination.k8s.io/v1', 'Lease', [[2, [[4, [[1, 1700000000], [2, 123456789]]]]]]));
  assert.deepEqual(lease.spec, { renewTime: '2023-11-14T22:13:20.123456Z' });
});

test('negative int32 and int64 values decode with their sign', () => {
  const minusOne = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  // Event.count (8, int32) = -1: a hand-built varint field (tag 0x40).
  const raw = Buffer.concat([Uint8Array.from([0x40]), minusOne]);
  const envelope = encodeMessage([[1, [[1, 'v1'], [2, 'Event']]], [2, raw]]);
  assert.equal(decodeProtobufObject(Buffer.concat([MAGIC, envelope])).count, -1);
});

test('inline structs merge into their parent (volume sources, key selectors)', () => {
  const volume: Field[] = [[1, 'cfg'], [2, [[19, [[1, [[1, 'my-cm']]], [3, 420]]]]]];
  const pod = decodeProtobufObject(body('v1', 'Pod', [[2, [[1, volume]]]]));
  assert.deepEqual(pod.spec, { volumes: [{ name: 'cfg', configMap: { name: 'my-cm', defaultMode: 420 } }] });
});

test('formats durations as Go does', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(1500), '1.5µs');
  assert.equal(formatDuration(300e6), '300ms');
  assert.equal(formatDuration(3723.5e9), '1h2m3.5s');
  assert.equal(formatDuration(-90e9), '-1m30s');
});

test('errors: bad magic, unknown kind, truncated and malformed bodies', () => {
  assert.throws(() => decodeProtobufObject(Buffer.from('{"kind":"ConfigMap"}')), isCode('BadMagic'));
  assert.throws(() => decodeProtobufObject(Uint8Array.from([0x6b, 0x38])), isCode('BadMagic'));
  assert.throws(() => decodeProtobufObject(body('example.com/v1', 'Widget', [])), (e) => isCode('UnknownKind')(e) && /example\.com\/v1, Kind=Widget/.test((e as Error).message));
  const full = Buffer.from(deployment, 'hex');
  assert.throws(() => decodeProtobufObject(full.subarray(0, full.length - 10)), isCode('Malformed'));
  assert.throws(() => decodeProtobufObject(MAGIC), (e) => isCode('Malformed')(e) && /no kind/.test((e as Error).message));
  // metadata (field 1) sent as a varint instead of a message.
  assert.throws(() => decodeProtobufObject(body('v1', 'ConfigMap', [[1, 7]])), (e) => isCode('Malformed')(e) && /ConfigMap\.metadata/.test((e as Error).message));
  const fieldsV1: Field[] = [[1, [[17, [[7, [[1, 'not json']]]]]]]];
  assert.throws(() => decodeProtobufObject(body('v1', 'ConfigMap', fieldsV1)), isCode('Malformed'));
});

// Regression: these field numbers were written from memory and were wrong or
// missing until checked against upstream's generated.proto.
test('decodes field numbers checked against upstream generated.proto', () => {
  const condition: Field[] = [
    [1, 'Available'],
    [2, 'True'],
    [4, 'MinimumReplicasAvailable'],
    [5, 'ok'],
    [6, [[1, 1700000000]]], // lastUpdateTime
    [7, [[1, 1700000100]]], // lastTransitionTime
  ];
  const dep = decodeProtobufObject(body('apps/v1', 'Deployment', [[3, [[6, condition], [9, 0]]]]));
  assert.deepEqual(dep.status, {
    conditions: [
      {
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        message: 'ok',
        lastUpdateTime: '2023-11-14T22:13:20Z',
        lastTransitionTime: '2023-11-14T22:15:00Z',
      },
    ],
    terminatingReplicas: 0,
  });

  const container: Field[] = [
    [1, 'app'],
    [9, [[1, 'data'], [2, 1], [3, '/data'], [7, 'Enabled']]], // volumeMounts[].recursiveReadOnly
    [23, [[1, 'cpu'], [2, 'NotRequired']]], // resizePolicy
  ];
  const claimSpec: Field[] = [
    [1, 'ReadWriteOnce'], // accessModes
    [2, [[2, [[1, 'storage'], [2, [[1, '1Gi']]]]]]], // resources.requests
  ];
  const ephemeral: Field[] = [[1, [[2, claimSpec]]]]; // volumeClaimTemplate.spec
  const spec: Field[] = [
    [2, container],
    [1, [[1, 'scratch'], [2, [[29, ephemeral]]]]], // volumes[].ephemeral
  ];
  const status: Field[] = [
    [5, '10.0.0.1'],
    [16, [[1, '10.0.0.1']]], // hostIPs
    [17, 2], // observedGeneration
  ];
  const pod = decodeProtobufObject(body('v1', 'Pod', [[2, spec], [3, status]]));
  assert.deepEqual(pod.spec, {
    containers: [
      {
        name: 'app',
        volumeMounts: [{ name: 'data', readOnly: true, mountPath: '/data', recursiveReadOnly: 'Enabled' }],
        resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }],
      },
    ],
    volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } }],
  });
  assert.deepEqual(pod.status, { hostIP: '10.0.0.1', hostIPs: [{ ip: '10.0.0.1' }], observedGeneration: 2 });

  const svc = decodeProtobufObject(body('v1', 'Service', [[2, [[4, 'ClusterIP'], [23, 'PreferClose']]]]));
  assert.deepEqual(svc.spec, { type: 'ClusterIP', trafficDistribution: 'PreferClose' });
});
