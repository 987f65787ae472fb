/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's: the
 * holder renews the lease every `retryPeriod`; a candidate takes it over
 * once `holderIdentity` has not renewed for `leaseDuration`. A leader that
 * cannot renew for `renewDeadline` stops leading (its signal aborts) before
 * anyone else may take over. With `releaseOnCancel`, a leader that shuts
 * down gives the lease up (no holder, 1 s duration) as client-go's
 * ReleaseOnCancel does, so that a standby takes over at once instead of
 * after `leaseDuration`. A candidate that finds the lease held looks again
 * every `retryPeriod`, or at the moment the lease lapses if that is sooner,
 * so that a dead leader is replaced `leaseDuration` after its last renewal.
 */
import { leases } from '../api/coordination/index.js';
import type { KubeObject } from '../api/meta.js';
import { aborted, sleep } from './informer.js';
import { isAlreadyExists, isConflict, isNotFound, type Client } from './rest.js';

export interface LeaderElectionOptions {
  readonly namespace?: string;
  /** The lease's name: what is led (`kube-scheduler`, `kube-controller-manager`). */
  readonly name: string;
  /** Who we are (host name and a unique suffix). */
  readonly identity: string;
  readonly leaseDurationSeconds?: number;
  readonly renewDeadlineSeconds?: number;
  readonly retryPeriodSeconds?: number;
  /** Give the lease up when `signal` aborts while leading (client-go's ReleaseOnCancel). */
  readonly releaseOnCancel?: boolean;
  /** Runs while we lead; its signal aborts when we stop leading or shut down. */
  readonly onStartedLeading: (signal: AbortSignal) => void | Promise<void>;
  readonly onStoppedLeading?: () => void;
  readonly onNewLeader?: (identity: string) => void;
  readonly onError?: (err: unknown) => void;
}

interface Lease extends KubeObject {
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
}

/** RFC 3339 with microseconds, as a MicroTime is written. */
const microTime = (d: Date) => d.toISOString().replace(/(\.\d{3})Z$/, '$1000Z');

/** Campaign for the lease until `signal` aborts; lead (and lose the lead) as many times as it comes. */
export async function runLeaderElection(client: Client, o: LeaderElectionOptions, signal: AbortSignal): Promise<void> {
  const ns = o.namespace ?? 'kube-system';
  const duration = o.leaseDurationSeconds ?? 15;
  const deadline = (o.renewDeadlineSeconds ?? 10) * 1000;
  const retry = (o.retryPeriodSeconds ?? 2) * 1000;
  let observed = '';
  /** When the lease another holds lapses unless renewed (ms since the epoch). */
  let lapsesAt = Infinity;

  /** One attempt to take or renew the lease; true if we hold it afterwards. */
  const tryAcquire = async (): Promise<boolean> => {
    const now = new Date();
    let lease: Lease | undefined;
    try {
      lease = await client.get<Lease>(leases, ns, o.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (!lease) {
      const fresh: Lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: o.name, namespace: ns }, spec: { holderIdentity: o.identity, leaseDurationSeconds: duration, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 } };
      try {
        await client.create(leases, ns, fresh);
        return true;
      } catch (err) {
        if (isAlreadyExists(err)) return false;
        throw err;
      }
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    if (holder !== observed) {
      observed = holder;
      if (holder) o.onNewLeader?.(holder);
    }
    const renewed = spec.renewTime ? Date.parse(spec.renewTime) : 0;
    const expired = renewed + (spec.leaseDurationSeconds ?? duration) * 1000 < now.getTime();
    if (holder && holder !== o.identity && !expired) {
      lapsesAt = renewed + (spec.leaseDurationSeconds ?? duration) * 1000;
      return false;
    }
    const taking = holder !== o.identity;
    lease.spec = {
      ...spec,
      holderIdentity: o.identity,
      leaseDurationSeconds: duration,
      renewTime: microTime(now),
      ...(taking ? { acquireTime: microTime(now), leaseTransitions: (spec.leaseTransitions ?? 0) + 1 } : {}),
    };
    try {
      await client.update(leases, lease);
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
  };

  /** Give the lease up if we still hold it: no holder, expiring in 1 s, transitions kept (client-go's release). */
  const release = async () => {
    try {
      const lease = await client.get<Lease>(leases, ns, o.name);
      if (lease.spec?.holderIdentity !== o.identity) return;
      const now = microTime(new Date());
      const { holderIdentity: _holder, ...rest } = lease.spec;
      lease.spec = { ...rest, leaseDurationSeconds: 1, acquireTime: now, renewTime: now };
      await client.update(leases, lease);
    } catch (err) {
      o.onError?.(err);
    }
  };

  const attempt = async () => {
    try {
      return await tryAcquire();
    } catch (err) {
      o.onError?.(err);
      return false;
    }
  };

  while (!signal.aborted) {
    lapsesAt = Infinity;
    if (!(await attempt())) {
      await sleep(Math.min(retry, Math.max(1, lapsesAt + 1 - Date.now())), signal);
      continue;
    }
    // Leading: renew until a renewal has failed for `deadline`, or shutdown.
    const lead = new AbortController();
    const stop = () => lead.abort();
    signal.addEventListener('abort', stop, { once: true });
    const work = Promise.resolve(o.onStartedLeading(lead.signal)).catch((err: unknown) => o.onError?.(err));
    let lastRenew = Date.now();
    while (!lead.signal.aborted) {
      await sleep(retry, lead.signal);
      if (aborted(lead.signal)) break;
      if (await attempt()) lastRenew = Date.now();
      else if (Date.now() - lastRenew > deadline) lead.abort();
    }
    signal.removeEventListener('abort', stop);
    await work;
    // Only once the work has stopped: a standby must not start while we still act.
    if (aborted(signal) && o.releaseOnCancel) await release();
    o.onStoppedLeading?.();
  }
}
