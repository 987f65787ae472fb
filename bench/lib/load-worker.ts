import type { Agent } from 'node:https';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { newAgent, openStream, send, type Credentials } from './http.js';
import type { JobMessage, RequestsJob, RequestsResult, ResultMessage, WatchJob, WatchResult } from './load.js';

const creds = workerData as Credentials;

/** One keep-alive agent per concurrency, kept across jobs so that warm-up connections serve the measured ones. */
const agents = new Map<number, Agent>();
function agentFor(concurrency: number): Agent {
  let agent = agents.get(concurrency);
  if (!agent) {
    agent = newAgent(creds, concurrency);
    agents.set(concurrency, agent);
  }
  return agent;
}

async function runRequests(job: RequestsJob): Promise<RequestsResult> {
  const agent = agentFor(job.concurrency);
  const latencies = new Float64Array(job.requests.length);
  let next = 0;
  let errors = 0;
  let bytes = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const client = async () => {
    for (;;) {
      const i = next++;
      const r = job.requests[i];
      if (!r) return;
      const t0 = performance.now();
      try {
        const reply = await send(agent, creds, r.method, r.path, r.body, undefined, r.contentType);
        bytes += reply.text.length;
        if (reply.status !== job.expect) {
          errors++;
          firstError ??= `${r.method} ${r.path}: HTTP ${reply.status}: ${reply.text.slice(0, 300)}`;
        }
      } catch (err) {
        errors++;
        firstError ??= `${r.method} ${r.path}: ${String(err)}`;
      }
      latencies[i] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, client));
  const wallMs = performance.now() - started;
  return { wallMs, latenciesMs: latencies, errors, bytes, ...(firstError === undefined ? {} : { firstError }) };
}

/** `metadata.name` of a watch event line, found without parsing it (the first `"name"` of the object). */
function nameOf(line: string): string | undefined {
  const at = line.indexOf('"name":"');
  if (at < 0 || !line.startsWith('{"type":"ADDED"')) return undefined;
  const start = at + 8;
  return line.slice(start, line.indexOf('"', start));
}

async function runWatch(job: WatchJob): Promise<WatchResult> {
  const n = job.objects.length;
  const index = new Map(job.objects.map((o, i) => [o.name, i]));
  const sentAt = new Float64Array(n).fill(Number.NaN);
  const expected = n * job.watchers;
  const delays = new Float64Array(expected);
  let delivered = 0;
  let duplicates = 0;
  let lastDelivery = 0;
  let allDelivered: () => void = () => {};
  const done = new Promise<void>((r) => (allDelivered = r));
  const watchAgent = newAgent(creds, job.watchers + 8, false);
  const streams = Array.from({ length: job.watchers }, () => {
    const seen = new Uint8Array(n);
    return openStream(watchAgent, creds, job.watchPath, (line, at) => {
      const name = nameOf(line);
      const i = name === undefined ? undefined : index.get(name);
      if (i === undefined) return;
      if (seen[i]) {
        duplicates++;
        return;
      }
      seen[i] = 1;
      if (delivered < expected) delays[delivered] = at - (sentAt[i] ?? Number.NaN);
      delivered++;
      lastDelivery = at;
      if (delivered === expected) allDelivered();
    });
  });
  try {
    const statuses = await Promise.all(streams.map((s) => s.status));
    const bad = statuses.find((s) => s !== 200);
    if (bad !== undefined) throw new Error(`a watch answered HTTP ${bad}`);
    await sleep(200);

    const writer = agentFor(job.writerSockets);
    const writeLatencies = new Float64Array(n);
    let writeErrors = 0;
    let firstError: string | undefined;
    const writes: Promise<void>[] = [];
    const first = performance.now();
    for (let i = 0; i < n; i++) {
      const o = job.objects[i];
      if (!o) break;
      const wait = first + i * job.intervalMs - performance.now();
      if (wait > 0) await sleep(wait);
      const t0 = performance.now();
      sentAt[i] = t0;
      writes.push(
        send(writer, creds, 'POST', job.createPath, o.body).then(
          (reply) => {
            writeLatencies[i] = performance.now() - t0;
            if (reply.status !== 201) {
              writeErrors++;
              firstError ??= `HTTP ${reply.status}: ${reply.text.slice(0, 300)}`;
            }
          },
          (err: unknown) => {
            writeLatencies[i] = performance.now() - t0;
            writeErrors++;
            firstError ??= String(err);
          },
        ),
      );
    }
    const lastWrite = performance.now();
    await Promise.all(writes);
    await Promise.race([done, sleep(job.drainMs)]);
    return {
      delaysMs: delays.subarray(0, Math.min(delivered, expected)),
      spanMs: lastDelivery - first,
      writeSpanMs: lastWrite - first,
      expected,
      delivered,
      duplicates,
      writeLatenciesMs: writeLatencies,
      writeErrors,
      ...(firstError === undefined ? {} : { firstError }),
    };
  } finally {
    for (const s of streams) s.close();
    watchAgent.destroy();
  }
}

parentPort?.on('message', (m: JobMessage) => {
  const work: Promise<RequestsResult | WatchResult> = m.job.op === 'requests' ? runRequests(m.job) : runWatch(m.job);
  work.then(
    (result) => {
      const reply: ResultMessage = { id: m.id, ok: true, result };
      parentPort?.postMessage(reply);
    },
    (err: unknown) => {
      const reply: ResultMessage = { id: m.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
      parentPort?.postMessage(reply);
    },
  );
});
