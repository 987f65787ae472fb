/**
 * Lifecycle hooks (postStart, preStop) as upstream's handler runner: `exec`
 * in the container, `httpGet` against the pod, `sleep` on the node. A hook
 * that fails says so in upstream's words; the caller records the
 * FailedPostStartHook / FailedPreStopHook event and acts on it.
 */
import { sleep } from '../../client/index.js';
import { check, type ProbeTarget } from '../probe.js';
import type { LifecycleHandler, Pod } from './types.js';

/** Run `handler` for container `name` of `pod`; resolves with why it failed, or undefined. */
export async function runHook(handler: LifecycleHandler, pod: Pod, name: string, target: ProbeTarget, timeoutSeconds: number, signal?: AbortSignal): Promise<string | undefined> {
  const where = `for Container "${name}" in Pod "${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})"`;
  if (handler.sleep) {
    await sleep(Math.min(handler.sleep.seconds, timeoutSeconds) * 1000, signal);
    return undefined;
  }
  if (handler.exec) {
    const cmd = handler.exec.command ?? [];
    const r = await check({ exec: handler.exec, timeoutSeconds }, target);
    return r.ok ? undefined : `Exec lifecycle hook ([${cmd.join(' ')}]) ${where} failed - error: ${r.message.trim()}`;
  }
  if (handler.httpGet) {
    const r = await check({ httpGet: handler.httpGet, timeoutSeconds }, target);
    return r.ok ? undefined : `HTTP lifecycle hook (${handler.httpGet.path ?? '/'}) ${where} failed - error: ${r.message}`;
  }
  // Upstream accepts tcpSocket hooks for compatibility and does nothing with them.
  return undefined;
}
