/**
 * `GET pods/{name}/log`: the API server proxies `kubectl logs` to the
 * kubelet of the pod's node (`https://<InternalIP>:<kubeletEndpoint>/containerLogs/…`),
 * presenting its kubelet-client certificate, and streams the answer back.
 * As upstream by default, the kubelet's serving certificate is not checked.
 */
import { request } from 'node:https';
import type { KubeObject } from '../../api/meta.js';
import { APIError, badRequest } from '../errors.js';
import { storageKey } from '../registry.js';
import type { Call, HandlerContext } from './context.js';
import { readCurrent } from './read.js';

/** The API server's client certificate for kubelets. */
export interface KubeletClientCert {
  readonly cert: string;
  readonly key: string;
}

/** A pod, as much of it as the kubelet proxies read. */
export type Pod = KubeObject & { spec?: { nodeName?: string; containers?: { name: string }[]; initContainers?: { name: string }[]; ephemeralContainers?: { name: string }[] } };
type Node = KubeObject & { status?: { addresses?: { type: string; address: string }[]; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } } };

/** The query parameters kubectl logs sends that the kubelet reads. */
const passed = ['follow', 'previous', 'sinceSeconds', 'sinceTime', 'timestamps', 'tailLines', 'limitBytes'];

/** Which container the request names, with upstream's messages when it names none or a wrong one. */
export function containerOf(pod: Pod, asked: string): string {
  const name = pod.metadata.name ?? '';
  const containers = (pod.spec?.containers ?? []).map((c) => c.name);
  const inits = (pod.spec?.initContainers ?? []).map((c) => c.name);
  const all = [...containers, ...inits, ...(pod.spec?.ephemeralContainers ?? []).map((c) => c.name)];
  if (!asked) {
    if (containers.length === 1 && containers[0]) return containers[0];
    throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]${inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : ''}`);
  }
  if (!all.includes(asked)) throw badRequest(`container ${asked} is not valid for pod ${name}`);
  return asked;
}

/** Where the kubelet of the pod's node listens: its InternalIP (else Hostname) and `daemonEndpoints.kubeletEndpoint.Port`. */
export async function kubeletOf(ctx: HandlerContext, pod: Pod): Promise<{ host: string; port: number }> {
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw badRequest(`pod ${pod.metadata.name ?? ''} does not have a host assigned`);
  const nodes = ctx.registry.find('', 'v1', 'nodes');
  const kv = nodes ? await ctx.store.get(storageKey(nodes, '', nodeName)) : undefined;
  if (!kv) throw badRequest(`node "${nodeName}" not found`);
  const node = JSON.parse(kv.value) as Node;
  const addresses = node.status?.addresses ?? [];
  const host = (addresses.find((a) => a.type === 'InternalIP') ?? addresses.find((a) => a.type === 'Hostname'))?.address;
  if (!host) throw new APIError('InternalError', `no address for node "${nodeName}"`);
  return { host, port: node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 10250 };
}

/** Stream the log of a container of the pod `call` names from its node's kubelet. */
export async function podLog(ctx: HandlerContext, call: Call, client: KubeletClientCert): Promise<void> {
  const pod = (await readCurrent(ctx, call)).object as Pod;
  const container = containerOf(pod, call.query.get('container') ?? '');
  const { host, port } = await kubeletOf(ctx, pod);
  const q = new URLSearchParams();
  for (const p of passed) {
    const v = call.query.get(p);
    if (v !== null) q.set(p, v);
  }
  const path = `/containerLogs/${encodeURIComponent(pod.metadata.namespace ?? '')}/${encodeURIComponent(pod.metadata.name ?? '')}/${encodeURIComponent(container)}${q.size ? `?${q.toString()}` : ''}`;
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${String(port)}${path}`;
  await new Promise<void>((resolve, reject) => {
    const req = request(url, { method: 'GET', cert: client.cert, key: client.key, rejectUnauthorized: false }, (res) => {
      const code = res.statusCode ?? 502;
      if (code !== 200) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => reject(new APIError(code === 404 ? 'NotFound' : code === 403 ? 'Forbidden' : code === 400 ? 'BadRequest' : 'InternalError', Buffer.concat(chunks).toString('utf8').trim())));
        return;
      }
      call.res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
      res.pipe(call.res);
      res.on('end', resolve);
      res.on('error', resolve);
    });
    // kubectl stopping (Ctrl-C on --follow) ends the kubelet request too.
    call.res.on('close', () => req.destroy());
    req.on('error', (err) => (call.res.headersSent ? resolve() : reject(new APIError('InternalError', `Get "${url}": ${err.message}`))));
    req.end();
  });
}
