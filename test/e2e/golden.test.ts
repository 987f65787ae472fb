import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { allResources } from '../../src/api/index.js';
import { kubectlOK } from '../support/kubectl.js';
import { startSkiff, type SkiffProcess } from '../support/skiff.js';

// `kubectl get KIND` and `kubectl get KIND -o wide` for one fixture object
// of every built-in kind, compared with test/e2e/golden/RESOURCE.txt. Each
// golden was checked against upstream's printers (pkg/printers/internalversion/
// printers.go): a change to one is a change in what users see, so review
// it as such. SKIFF_UPDATE_GOLDEN=1 rewrites them.

const fixture = fileURLToPath(new URL('../../../test/e2e/fixtures/golden.yaml', import.meta.url));
const goldenDir = fileURLToPath(new URL('../../../test/e2e/golden/', import.meta.url));
const update = process.env.SKIFF_UPDATE_GOLDEN === '1';

/** Columns whose cells are durations since now (they change from run to run). */
const timeColumns = new Set(['AGE', 'LAST SEEN', 'FIRST SEEN', 'DURATION', 'LAST SCHEDULE']);

/**
 * Blank out what differs between runs: durations in time columns (found by
 * their header's position; kubectl aligns each column with its header), UIDs and creation
 * timestamps, each kept at its width so that the columns stay aligned.
 */
export function normalize(out: string): string {
  const text = out
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, 'YYYY-MM-DDThh:mm:ssZ');
  const [header = '', ...rows] = text.split('\n');
  const names = header.split(/ {3,}/);
  const starts: number[] = [];
  let from = 0;
  for (const n of names) {
    const at = header.indexOf(n, from);
    starts.push(at);
    from = at + n.length;
  }
  const masked = rows.map((line) => {
    let out = line;
    names.forEach((name, i) => {
      if (!timeColumns.has(name)) return;
      const start = starts[i] ?? 0;
      const end = starts[i + 1] ?? out.length;
      const cell = out.slice(start, end);
      if (/^\d+[smhdy][\dsmhdy]*$/.test(cell.trim())) out = out.slice(0, start) + '*'.padEnd(cell.length) + out.slice(end);
    });
    return out.trimEnd();
  });
  return [header, ...masked].join('\n');
}

describe('kubectl get columns of every built-in kind match upstream (golden files)', () => {
  let skiff: SkiffProcess;
  const kc = () => skiff.kubeconfig;
  before(async () => {
    // Printers are the subject: no controllers racing the status columns the test writes, or adding objects (Endpoints, slices, accounts) to the fixture.
    skiff = await startSkiff({ args: ['--disable-controller-manager'] });
    kubectlOK(kc(), ['apply', '-f', fixture]);
    // Status-dependent columns, as the kubelet and controllers would write them.
    const status = (what: string[], patch: unknown) => kubectlOK(kc(), ['patch', ...what, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: patch })]);
    status(['pod', 'web-0', '-n', 'golden'], {
      phase: 'Running',
      podIPs: [{ ip: '10.42.0.5' }],
      podIP: '10.42.0.5',
      conditions: [{ type: 'Initialized', status: 'True' }, { type: 'example.com/ready', status: 'True' }],
      initContainerStatuses: [{ name: 'migrate', image: 'busybox:1.36', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
      containerStatuses: [
        { name: 'nginx', image: 'nginx:1.27', imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: '2026-01-01T00:00:00Z' } } },
        { name: 'log', image: 'busybox:1.36', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'CrashLoopBackOff' } } },
      ],
    });
    status(['node', 'golden-node'], {
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
      addresses: [{ type: 'InternalIP', address: '192.168.0.201' }, { type: 'Hostname', address: 'golden-node' }],
      nodeInfo: { kubeletVersion: 'v1.33.0+skiff', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0-18-amd64', containerRuntimeVersion: 'containerd://1.7.13', machineID: '', systemUUID: '', bootID: '', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64' },
    });
    status(['deployment', 'myapp-deploy', '-n', 'golden'], { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 });
    status(['job', 'pi', '-n', 'golden'], { succeeded: 2, active: 2 });
    status(['resourcequota', 'compute', '-n', 'golden'], { hard: { pods: '10', 'requests.cpu': '1', 'limits.cpu': '2' }, used: { pods: '1', 'requests.cpu': '0' } });
    if (update) mkdirSync(goldenDir, { recursive: true });
  });
  after(async () => {
    await skiff.cleanup();
  });

  // One test per resource, in its preferred (first listed) version; core and events.k8s.io Events are two.
  const seen = new Set<string>();
  for (const def of allResources) {
    const resource = def.group ? `${def.resource}.${def.group}` : def.resource;
    if (seen.has(resource)) continue;
    seen.add(resource);
    const name = def.group && def.resource === 'events' ? resource : def.resource;
    test(`${def.kind}: get and get -o wide`, () => {
      const get = (wide: boolean) => normalize(kubectlOK(kc(), ['get', resource, '-n', 'golden', '-l', 'fixture=golden', ...(wide ? ['-o', 'wide'] : [])]));
      const actual = `$ kubectl get ${name}\n${get(false)}$ kubectl get ${name} -o wide\n${get(true)}`;
      const file = `${goldenDir}${name}.txt`;
      if (update) writeFileSync(file, actual);
      assert.ok(existsSync(file), `no golden file ${file}: run with SKIFF_UPDATE_GOLDEN=1 and review it against upstream`);
      assert.equal(actual, readFileSync(file, 'utf8'));
      assert.match(actual, /\n\S.*\n\$/, `kubectl printed no ${def.kind}`);
    });
  }
});
