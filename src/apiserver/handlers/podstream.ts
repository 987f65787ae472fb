/**
 * `pods/exec`, `pods/attach` and `pods/portforward` (GET or POST, an
 * upgrade to SPDY/3.1 or WebSocket): the API server checks the pod and the
 * container, then proxies the upgrade request to the kubelet of the pod's
 * node (`/exec/{ns}/{pod}/{container}?command=…&input=1&output=1&error=1&tty=1`,
 * `/attach/…`, `/portForward/{ns}/{pod}`) with its kubelet-client
 * certificate and splices the two connections: kubectl and the runtime's
 * streaming server negotiate the protocol end to end. What the kubelet
 * refuses (a container not running) reaches kubectl as the kubelet said it,
 * which prints `unable to upgrade connection: …`, as upstream.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { connect } from 'node:tls';
import { splice, upgradeRequestHead } from '../../httpstream.js';
import { APIError, notFound } from '../errors.js';
import { storageKey } from '../registry.js';
import type { RequestInfo } from '../request.js';
import type { HandlerContext } from './context.js';
import { containerOf, kubeletOf, type KubeletClientCert, type Pod } from './podlog.js';

/** The pod subresources that stream. */
export const STREAM_SUBRESOURCES = new Set(['exec', 'attach', 'portforward']);

/** The kubelet path and query of a streaming call, as upstream's ExecLocation, AttachLocation and PortForwardLocation build them. */
export function kubeletStreamPath(sub: string, pod: Pod, container: string, query: URLSearchParams): string {
  const enc = encodeURIComponent;
  const ns = enc(pod.metadata.namespace ?? '');
  const name = enc(pod.metadata.name ?? '');
  const q = new URLSearchParams();
  if (sub === 'portforward') {
    for (const p of query.getAll('ports')) q.append('port', p);
    return `/portForward/${ns}/${name}${q.size ? `?${q.toString()}` : ''}`;
  }
  if (sub === 'exec') for (const c of query.getAll('command')) q.append('command', c);
  const flags: [string, string][] = [['stdin', 'input'], ['stdout', 'output'], ['stderr', 'error'], ['tty', 'tty']];
  for (const [asked, passed] of flags) if (query.get(asked) === 'true' || query.get(asked) === '1') q.set(passed, '1');
  return `/${sub}/${ns}/${name}/${enc(container)}?${q.toString()}`;
}

/**
 * Proxy one streaming request of the pod `info` names; throws an APIError
 * (before anything is written) when the pod, its container or its node is
 * not there.
 */
export async function podStream(ctx: HandlerContext, info: RequestInfo, query: URLSearchParams, req: IncomingMessage, socket: Duplex, head: Buffer, client: KubeletClientCert): Promise<void> {
  const pods = ctx.registry.find('', 'v1', 'pods');
  const kv = pods ? await ctx.store.get(storageKey(pods, info.namespace, info.name)) : undefined;
  if (!pods || !kv) throw notFound({ resource: 'pods', group: '', name: info.name });
  const pod = pods.codec.decode(kv).object as Pod;
  const container = info.subresource === 'portforward' ? '' : containerOf(pod, query.get('container') ?? '');
  const { host, port } = await kubeletOf(ctx, pod);
  const path = kubeletStreamPath(info.subresource, pod, container, query);
  await new Promise<void>((resolve, reject) => {
    const kubelet = connect({ host, port, cert: client.cert, key: client.key, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
    kubelet.once('secureConnect', () => {
      kubelet.off('error', failed);
      kubelet.write(upgradeRequestHead(req, path, `${host.includes(':') ? `[${host}]` : host}:${String(port)}`));
      if (head.length) kubelet.write(head);
      splice(socket, kubelet);
      resolve();
    });
    const failed = (err: Error) => { reject(new APIError('InternalError', `error dialing backend: ${err.message}`)); };
    kubelet.once('error', failed);
  });
}
