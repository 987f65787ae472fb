import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Counter, exponentialBuckets, exposition, Histogram, register } from './metrics.js';

test('counters and histograms in the Prometheus text format', () => {
  const c = register(new Counter('test_requests_total', 'Requests.'));
  c.inc({ verb: 'GET', path: 'a"b' });
  c.inc({ verb: 'GET', path: 'a"b' }, 2);
  const h = register(new Histogram('test_latency_seconds', 'Latency.', [0.1, 1]));
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  const text = exposition();
  assert.match(text, /# HELP test_requests_total Requests\.\n# TYPE test_requests_total counter\ntest_requests_total\{verb="GET",path="a\\"b"\} 3\n/);
  assert.match(text, /test_latency_seconds_bucket\{le="0.1"\} 1\ntest_latency_seconds_bucket\{le="1"\} 2\ntest_latency_seconds_bucket\{le="\+Inf"\} 3\ntest_latency_seconds_sum 5.55\ntest_latency_seconds_count 3\n/);
});

test('registering a name twice returns the first metric; another type is refused', () => {
  const a = register(new Counter('test_twice_total', 'x'));
  assert.equal(register(new Counter('test_twice_total', 'x')), a);
  assert.throws(() => register(new Histogram('test_twice_total', 'x', [1])), /registered as counter and histogram/);
});

test('exponential buckets as Prometheus makes them', () => {
  assert.deepEqual(exponentialBuckets(0.001, 2, 4), [0.001, 0.002, 0.004, 0.008]);
});

test('the process gauges read memory at scrape time', () => {
  const rss = Number(/^process_resident_memory_bytes (\d+)$/m.exec(exposition())?.[1]);
  assert.ok(rss > 10 * 1024 * 1024, `rss ${String(rss)}`);
  assert.match(exposition(), /# TYPE nodejs_heap_size_used_bytes gauge\nnodejs_heap_size_used_bytes \d+\n/);
});
