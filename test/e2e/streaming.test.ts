// kubectl logs, exec (with and without a terminal), attach, run --rm -i,
// port-forward and cp against a real `skiff server` on containerd: kubectl →
// API server → kubelet → containerd's CRI streaming server, with kubectl 1.32
// (WebSocket first, falling back to SPDY) and an older kubectl (SPDY only).
// Needs root, containerd, runc, the CNI plugins and busybox-static; skipped
// where they are missing, except in CI. One node at a time on this machine:
// run under `flock /tmp/skiff-node.lock`.
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { cleanupNode, skipWithoutRuntime } from '../support/containerd.js';
import { buildBusyboxImage, BUSYBOX_TEST_IMAGE } from '../support/images.js';
import { kubectlPath, kubectlVersions } from '../support/kubectl.js';
import { freePort, skiffBin, startSkiff, waitUntil, type SkiffProcess } from '../support/skiff.js';

const run = promisify(execFile);

/** kubectl 1.32 and the oldest of 1.27–1.29 next to it (or the one on PATH where there are no versioned ones). */
function kubectls(): { version: string; path: string }[] {
  const all = kubectlVersions();
  const current = all.find((k) => k.version === '1.32');
  const older = all.find((k) => ['1.27', '1.28', '1.29'].includes(k.version));
  const picked = [current, older].filter((k): k is { version: string; path: string } => k !== undefined);
  return picked.length ? picked : [{ version: 'default', path: kubectlPath() }];
}

const pod = (name: string, containers: object[], extra: object = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers, ...extra } });
const image = BUSYBOX_TEST_IMAGE;
const pods = [
  pod('app', [
    // Output on both streams, then a web server for port-forward.
    { name: 'main', image, command: ['sh', '-c', 'echo hello; echo oops >&2; echo world; mkdir -p /tmp/www; echo pong > /tmp/www/index.html; exec httpd -f -p 8080 -h /tmp/www'] },
    // Reads what `kubectl attach -i` sends.
    { name: 'side', image, stdin: true, command: ['sh', '-c', 'while read line; do echo "got $line"; done'] },
  ]),
  // Exits once, then runs: /dev/shm is the sandbox's, so it counts the runs across restarts.
  pod('restarts', [{ name: 'c', image, command: ['sh', '-c', 'n=$(cat /dev/shm/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /dev/shm/n; echo run $n; if [ $n -ge 2 ]; then exec sleep 3600; fi; sleep 1; exit 1'] }]),
  pod('ticker', [{ name: 'c', image, command: ['sh', '-c', 'sleep 2; for i in 1 2 3; do echo tick $i; sleep 1; done'] }], { restartPolicy: 'Never' }),
  pod('nopull', [{ name: 'c', image: 'docker.io/library/nosuch:test', imagePullPolicy: 'Never' }]),
];

/** A kubectl left running (logs -f, attach, port-forward), its output collected; `stop()` ends it by PID. */
function background(bin: string, kubeconfig: string, args: string[]) {
  const child = spawn(bin, ['--kubeconfig', kubeconfig, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    waitFor: (re: RegExp, ms = 20_000) => waitUntil(`kubectl ${args.join(' ')} to print ${String(re)}`, () => re.exec(out) ?? undefined, ms, () => out, 50),
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

void test('kubectl logs, exec, attach, run, port-forward and cp reach real containers through the kubelet', { timeout: 420_000 }, async (t) => {
  if (skipWithoutRuntime(t)) return;
  const kubeletPort = await freePort();
  let server: SkiffProcess | undefined;
  try {
    server = await startSkiff({ args: ['--runtime', 'containerd', '--kubelet-port', String(kubeletPort)], timeoutMs: 60_000 });
    const { kubeconfig, dataDir } = server;
    const started = server;
    const logs = () => started.logs();
    const k = (args: string[], o: { bin?: string; input?: string } = {}) => {
      const r = spawnSync(o.bin ?? kubectlPath(), ['--kubeconfig', kubeconfig, ...args], { input: o.input ?? '', encoding: 'utf8', timeout: 60_000 });
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    };
    const ok = (args: string[], o: { bin?: string; input?: string } = {}) => {
      const r = k(args, o);
      assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const jsonpath = (what: string, path: string) => k(['get', what, '-o', `jsonpath=${path}`]).stdout;

    const node = await waitUntil('the node to be Ready', () => (jsonpath('nodes', '{.items[0].status.conditions[?(@.type=="Ready")].status}') === 'True' ? jsonpath('nodes', '{.items[0].status.daemonEndpoints.kubeletEndpoint.Port}') : undefined), 60_000, logs);
    assert.equal(node, String(kubeletPort), 'the Node says where its kubelet listens');
    const archive = buildBusyboxImage(join(dataDir, 'busybox.tar'), { applets: ['sh', 'sleep', 'echo', 'cat', 'ls', 'mkdir', 'tar', 'httpd', 'tty', 'true'] });
    await run(process.execPath, [skiffBin, 'image', 'import', '--data-dir', dataDir, archive], { timeout: 60_000 });
    ok(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: pods }) });
    await waitUntil('app running', () => (jsonpath('pod/app', '{.status.phase}') === 'Running' ? true : undefined), 60_000, logs);
    await waitUntil('restarts running again', () => (jsonpath('pod/restarts', '{.status.containerStatuses[0].restartCount}') === '1' && jsonpath('pod/restarts', '{.status.containerStatuses[0].state.running}') !== '' ? true : undefined), 60_000, logs);

    await t.test('logs: the latest instance, --previous after a restart, --tail, -c, --timestamps, -f, and upstream\'s refusals', async () => {
      const main = ok(['logs', 'app', '-c', 'main']);
      assert.deepEqual(main.split('\n').filter(Boolean).sort(), ['hello', 'oops', 'world'], 'stdout and stderr both');
      assert.match(ok(['logs', 'app', '-c', 'main', '--tail=1', '--timestamps']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z \w+\n$/);
      assert.equal(ok(['logs', 'restarts']), 'run 2\n');
      assert.equal(ok(['logs', 'restarts', '--previous']), 'run 1\n');
      assert.match(k(['logs', 'app', '-c', 'main', '--previous']).stderr, /previous terminated container "main" in pod "app" not found/);
      assert.match(k(['logs', 'nopull']).stderr, /container "c" in pod "nopull" is waiting to start: /);
      // Follows the container from its first line to its exit, then ends by itself.
      await waitUntil('ticker running', () => (jsonpath('pod/ticker', '{.status.phase}') === 'Running' ? true : undefined), 30_000, logs);
      const follow = background(kubectlPath(), kubeconfig, ['logs', '-f', 'ticker']);
      assert.equal(await follow.exited, 0, follow.output());
      assert.equal(follow.output(), 'tick 1\ntick 2\ntick 3\n');
    });

    for (const { version, path: bin } of kubectls()) {
      await t.test(`kubectl ${version}: exec with stdout, stderr, stdin, an exit code and a terminal`, () => {
        const r = k(['exec', 'app', '-c', 'main', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3'], { bin });
        assert.equal(r.code, 3);
        assert.equal(r.stdout, 'out\n');
        assert.match(r.stderr, /^err\n(.|\n)*command terminated with exit code 3/);
        assert.equal(ok(['exec', '-i', 'app', '-c', 'main', '--', 'cat'], { bin, input: 'abc\n' }), 'abc\n');
        // -t needs a terminal on kubectl's side: script(1) gives it one.
        const tty = spawnSync('script', ['-qc', `${bin} --kubeconfig ${kubeconfig} exec -it app -c main -- sh -c 'tty; echo done'`, '/dev/null'], { encoding: 'utf8', timeout: 60_000, input: '' });
        assert.match(tty.stdout, /^\/dev\/pts\/\d+\r\ndone\r\n/, tty.stderr);
      });

      await t.test(`kubectl ${version}: exec refusals as upstream's`, () => {
        assert.match(k(['exec', 'nopull', '--', 'true'], { bin }).stderr, /unable to upgrade connection: container not found \("c"\)/);
        assert.match(k(['exec', 'app', '-c', 'nope', '--', 'true'], { bin }).stderr, /container nope is not valid for pod app/);
        assert.match(k(['exec', 'gone', '--', 'true'], { bin }).stderr, /pods "gone" not found/);
      });

      await t.test(`kubectl ${version}: attach -i and run --rm -i`, async () => {
        const attach = background(bin, kubeconfig, ['attach', '-i', 'app', '-c', 'side']);
        try {
          attach.child.stdin.write(`hi ${version}\n`);
          await attach.waitFor(new RegExp(`got hi ${version}`));
        } finally {
          attach.child.stdin.end();
          await attach.stop();
        }
        assert.match(ok(['logs', 'app', '-c', 'side']), new RegExp(`got hi ${version}\n`), 'what attach read reached the log');
        const name = `run-${version.replace('.', '-')}`;
        // containerd starts copying stdin a moment before it adds the attach's stdout: the answer waits for it.
        const r = k(['run', name, '--rm', '-i', '--restart=Never', `--image=${image}`, '--', 'sh', '-c', 'read x; sleep 1; echo got $x'], { bin, input: 'abc\n' });
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^got abc\n/);
        assert.match(r.stdout, new RegExp(`pod "${name}" deleted`));
      });

      await t.test(`kubectl ${version}: port-forward to a port in the pod`, async () => {
        const pf = background(bin, kubeconfig, ['port-forward', 'pod/app', ':8080']);
        try {
          const local = (await pf.waitFor(/Forwarding from 127\.0\.0\.1:(\d+) -> 8080/))[1];
          for (let i = 0; i < 2; i++) {
            const res = await fetch(`http://127.0.0.1:${local ?? ''}/`);
            assert.equal(await res.text(), 'pong\n');
          }
        } finally {
          await pf.stop();
        }
        assert.match(pf.output(), /Handling connection for \d+/);
      });

      await t.test(`kubectl ${version}: cp into the pod and back out`, () => {
        const file = join(dataDir, `in-${version}.txt`);
        const back = join(dataDir, `out-${version}.txt`);
        writeFileSync(file, `payload ${version}\n`);
        ok(['cp', file, `default/app:/tmp/f-${version}.txt`, '-c', 'main'], { bin });
        assert.equal(ok(['exec', 'app', '-c', 'main', '--', 'cat', `/tmp/f-${version}.txt`]), `payload ${version}\n`);
        ok(['cp', `default/app:/tmp/f-${version}.txt`, back, '-c', 'main'], { bin });
        assert.equal(readFileSync(back, 'utf8'), `payload ${version}\n`);
      });
    }
  } finally {
    if (server) {
      // The kubelet stops the containers; whatever is left (a failed run) is killed by cleanupNode.
      spawnSync(kubectlPath(), ['--kubeconfig', server.kubeconfig, 'delete', 'pods', '--all', '--grace-period=1', '--timeout=30s'], { timeout: 40_000 });
      await server.stop();
      cleanupNode(server.dataDir);
      await server.cleanup();
    }
  }
});
