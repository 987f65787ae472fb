/**
 * The POST subresources of a pod: `pods/binding` (the scheduler's way to put
 * a pod on a node) and `pods/eviction` (a delete that honours
 * PodDisruptionBudgets, as `kubectl drain` uses it). Both answer 201 with a
 * Success Status, as upstream.
 */
import type { KubeObject } from '../../api/meta.js';
import { fromLabelSelector, type LabelSelectorSpec } from '../../api/labels.js';
import { isConflict } from '../../storage/errors.js';
import { APIError, badRequest, invalid } from '../errors.js';
import { timestamp } from '../objects.js';
import { storageKey, listPrefix } from '../registry.js';
import { asObject, decodeBody, readBody } from '../request.js';
import type { Handler, HandlerContext, Reply } from './context.js';
import { deleteOne, type DeleteOptions } from './delete.js';
import { readCurrent } from './read.js';
import { writeUpdate } from './update.js';

const success: Reply = { code: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } };

/** Rounds a binding or a budget update is retried on a newer object. */
const attempts = 20;

/** POST pods/NAME/binding: set `spec.nodeName` (once) and the PodScheduled condition. */
export const bindPod: Handler = async (ctx, call) => {
  const binding = asObject(decodeBody(await readBody(call.req), call.req.headers['content-type'])) as KubeObject & { target?: { kind?: string; name?: string } };
  if (binding.metadata.name !== call.info.name) throw badRequest('name in URL does not match name in Binding object');
  const node = binding.target?.name ?? '';
  if (!node) throw invalid('Binding', '', call.info.name, `Binding "${call.info.name}" is invalid: target.name: Required value`, [{ type: 'FieldValueRequired', field: 'target.name', message: 'Required value' }]);
  if (binding.target?.kind && binding.target.kind !== 'Node') throw invalid('Binding', '', call.info.name, `Binding "${call.info.name}" is invalid: target.kind: Invalid value: "${binding.target.kind}": must be empty or 'Node'`, [{ type: 'FieldValueInvalid', field: 'target.kind', message: `Invalid value: "${binding.target.kind}": must be empty or 'Node'` }]);
  const cannot = (why: string) => new APIError('Conflict', `Operation cannot be fulfilled on pods/binding "${call.info.name}": ${why}`, { name: call.info.name, kind: 'pods/binding' });
  for (let attempt = 1; ; attempt++) {
    const old = await readCurrent(ctx, call);
    const pod = structuredClone(old.object);
    const spec = (pod.spec ?? {}) as { nodeName?: string };
    if (pod.metadata.deletionTimestamp) throw cannot(`pod ${call.info.name} is being deleted, cannot be assigned to a host`);
    if (spec.nodeName) throw cannot(`pod ${call.info.name} is already assigned to node "${spec.nodeName}"`);
    spec.nodeName = node;
    pod.spec = spec;
    if (binding.metadata.annotations) pod.metadata.annotations = { ...pod.metadata.annotations, ...binding.metadata.annotations };
    const status = (pod.status ?? {}) as { conditions?: { type: string; status: string; lastTransitionTime?: string | null; lastProbeTime?: string | null }[] };
    const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: timestamp(ctx.now()) });
    pod.status = { ...status, conditions };
    try {
      // Not an update of the pod: no pod update validation (nodeName may not change there), no managed fields, as upstream.
      await writeUpdate(ctx, call, pod, old);
      return success;
    } catch (err) {
      // A write between our read and ours: bind against the newer pod.
      if (!(err instanceof APIError && err.reason === 'Conflict') || attempt >= attempts) throw err;
    }
  }
};

interface Budget extends KubeObject {
  spec?: { selector?: LabelSelectorSpec | null };
  status?: { observedGeneration?: number; disruptionsAllowed?: number; currentHealthy?: number; desiredHealthy?: number; disruptedPods?: Record<string, string> };
}

const tooMany = (cause: string) =>
  new APIError('TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", { causes: [{ type: 'DisruptionBudget', field: '', message: cause }] });

/** POST pods/NAME/eviction: delete the pod unless its PodDisruptionBudget allows no disruption now (429). */
export const evictPod: Handler = async (ctx, call) => {
  const eviction = asObject(decodeBody(await readBody(call.req), call.req.headers['content-type'])) as KubeObject & { deleteOptions?: DeleteOptions | null };
  if (eviction.metadata.name !== call.info.name) throw badRequest('name in URL does not match name in Eviction object');
  const opts: DeleteOptions = { ...(eviction.deleteOptions ?? {}), ...(call.query.get('dryRun') === 'All' ? { dryRun: ['All'] } : {}) };
  const pod = (await readCurrent(ctx, call)).object;
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  // A pod already going, or done, disrupts nothing more.
  if (!pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') await spendDisruption(ctx, call.info.namespace, pod, opts.dryRun !== undefined);
  await deleteOne(ctx, call, opts);
  return success;
};

/** Take one allowed disruption from the pod's budget, if it has one; 429 if none is left. */
async function spendDisruption(ctx: HandlerContext, namespace: string, pod: KubeObject, dryRun: boolean): Promise<void> {
  const r = ctx.registry.find('policy', 'v1', 'poddisruptionbudgets');
  if (!r) return;
  for (let attempt = 1; ; attempt++) {
    const { items } = await ctx.store.list(listPrefix(r, namespace));
    const budgets = items
      .map((kv) => ({ ...r.codec.decode(kv), revision: kv.modRevision }))
      .filter(({ object }) => fromLabelSelector((object as Budget).spec?.selector).matches(pod.metadata.labels));
    if (budgets.length === 0) return;
    if (budgets.length > 1) throw new APIError('InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    const found = budgets[0];
    if (!found) return;
    const pdb = structuredClone(found.object) as Budget;
    const name = pdb.metadata.name ?? '';
    const s = pdb.status ?? {};
    if ((s.observedGeneration ?? 0) < (pdb.metadata.generation ?? 1)) throw tooMany(`The disruption budget ${name} is still being processed by the server.`);
    const allowed = s.disruptionsAllowed ?? 0;
    if (allowed < 0) throw new APIError('Forbidden', 'pdb disruptions allowed is negative');
    if (allowed === 0) throw tooMany(`The disruption budget ${name} needs ${String(s.desiredHealthy ?? 0)} healthy pods and has ${String(s.currentHealthy ?? 0)} currently`);
    if (dryRun) return;
    pdb.status = { ...s, disruptionsAllowed: allowed - 1, disruptedPods: { ...s.disruptedPods, [pod.metadata.name ?? '']: timestamp(ctx.now()) } };
    try {
      await ctx.store.update(storageKey(r, namespace, name), r.codec.encode(pdb), found.revision);
      return;
    } catch (err) {
      if (!isConflict(err) || attempt >= attempts) throw err;
    }
  }
}
