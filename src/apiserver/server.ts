import { setMaxListeners } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { refuseUpgrade } from '../httpstream.js';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { allResources } from '../api/index.js';
import { newAuthenticator, newTokenAuthenticator, type User } from './authn.js';
import { aggregatedDiscovery, aggregatedVersion, apiGroup, apiGroupList, apiVersions, groupVersions, resourceList, versionInfo } from './discovery.js';
import { startCompactor } from './compactor.js';
import { APIError, badRequest, toStatus } from './errors.js';
import type { Call, Handler, HandlerContext, Reply } from './handlers/context.js';
import { create } from './handlers/create.js';
import { del } from './handlers/delete.js';
import { deleteCollection } from './handlers/deletecollection.js';
import { get } from './handlers/get.js';
import { list } from './handlers/list.js';
import { patch } from './handlers/patch.js';
import { bindPod, evictPod } from './handlers/pods.js';
import { update } from './handlers/update.js';
import { watch } from './handlers/watch.js';
import type { APIServer } from './index.js';
import { bootstrapNamespaces } from './namespaces.js';
import type { APIServerOptions } from './options.js';
import { openAPIv2Protobuf, openAPIv3, openAPIv3Root } from './openapi.js';
import { loadClusterPKI } from './cluster-ca.js';
import { Registry, storageKey } from './registry.js';
import { asObject, decodeBody, parseRequestInfo, readBody, type RequestInfo } from './request.js';
import { findReview, serveReview } from './reviews.js';
import { serveMetrics } from './metrics.js';
import { podLog } from './handlers/podlog.js';
import { podStream, STREAM_SUBRESOURCES } from './handlers/podstream.js';
import { exposition } from '../metrics.js';
import { coreHooks } from './hooks.js';
import { reconcileKubernetesService } from './kubernetes-service.js';
import { ServiceAllocator } from './serviceips.js';
import { crdHooks, startCRDController } from './crds.js';
import { bootstrapPriorityClasses, priorityHooks } from './priority.js';
import { loadServiceAccountKey } from './sakey.js';
import { DEFAULT_ISSUER, newServiceAccountAuthenticator, type TokenLookups } from './satoken.js';
import { tokenRequest } from './handlers/tokenrequest.js';
import { jwks, openIDConfiguration } from './oidc.js';

const handlers: Record<RequestInfo['verb'], Handler> = {
  get,
  list,
  watch,
  create,
  update,
  delete: del,
  deletecollection: deleteCollection,
  patch,
};

/** Subresources that only take a POST, by `group/Kind/subresource`. */
const podSubresources: Record<string, Handler | undefined> = { '/Pod/binding': bindPod, '/Pod/eviction': evictPod };

/** Service account tokens' objects, read from the watch caches: authentication must not wait on the datastore. */
function cacheLookups(registry: Registry): TokenLookups {
  const find = (resource: string, namespace: string, name: string) => {
    const r = registry.find('', 'v1', resource);
    return r?.cache.get(storageKey(r, namespace, name))?.object;
  };
  return {
    serviceAccount: (ns, name) => find('serviceaccounts', ns, name),
    pod: (ns, name) => find('pods', ns, name),
    secret: (ns, name) => find('secrets', ns, name),
    node: (name) => find('nodes', '', name),
  };
}

/** True if the client asked for a `meta.k8s.io` Table (kubectl get). */
const wantsTable = (accept: string | undefined) => accept !== undefined && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);

function send(res: ServerResponse, reply: Reply): void {
  const body = reply.raw ? (reply.body as string) : JSON.stringify(reply.body);
  const headers: Record<string, string | string[]> = { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), 'Cache-Control': 'no-cache, private' };
  // RFC 7234 warnings, as upstream sends them: code 299, agent "-", quoted text.
  if (reply.warnings?.length) headers.Warning = reply.warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  res.writeHead(reply.code, headers);
  res.end(body);
}

const sendError = (res: ServerResponse, err: unknown) => {
  const status = toStatus(err);
  if (res.headersSent) {
    res.end();
    return;
  }
  send(res, { code: status.code, body: status });
};

const healthPaths = /^\/(healthz|livez|readyz)(\/.*)?$/;

/** Start the HTTPS API server (see index.ts). */
export async function start(options: APIServerOptions): Promise<APIServer> {
  const now = options.now ?? (() => new Date());
  const abort = new AbortController();
  // Every watch cache and every open watch listens on this signal.
  setMaxListeners(0, abort.signal);
  const host = hostname();
  const services = new ServiceAllocator(options.store, options.serviceCIDR);
  const ips = [services.firstIP];
  if (options.bindAddress !== '0.0.0.0' && options.bindAddress !== '::') ips.push(options.bindAddress);
  const pki = await loadClusterPKI(options.store, options.token, join(options.dataDir, 'tls'), { ips, dnsNames: [host] });
  const saKey = await loadServiceAccountKey(options.store, options.token, join(options.dataDir, 'tls'));
  const issuer = options.serviceAccountIssuer ?? DEFAULT_ISSUER;
  // Upstream's default --api-audiences: the issuer.
  const signer = { key: saKey, issuer, audiences: [issuer] };
  const log = options.log ?? ((msg: string, fields?: Record<string, unknown>) => console.error(msg, fields ?? ''));
  const registry = new Registry(allResources, options.store, abort.signal, (err) => log('watch cache error', { err: String(err) }));
  const tokens = new Map<string, User>([[options.token, { name: 'system:admin', groups: ['system:masters', 'system:authenticated'] }]]);
  const serviceAccountTokens = newServiceAccountAuthenticator({ ...signer, lookups: cacheLookups(registry), now });
  const authenticate = newAuthenticator({ caCert: pki.caCert, tokens, serviceAccountTokens });
  const staticUser = newTokenAuthenticator(tokens);
  const tokenUser = (token: string, audiences?: readonly string[]) => staticUser(token) ?? serviceAccountTokens(token, audiences);
  // Serves the custom resources of established CRDs; ready once those present at start are served.
  const crdController = startCRDController({ store: options.store, registry, now, signal: abort.signal, log });
  crdController.ready.catch(() => {}); // a datastore failure surfaces through registry.ready()
  const hooks = new Map([...coreHooks(services), crdHooks(), ...priorityHooks(registry)]);
  const ctx: HandlerContext = {
    store: options.store,
    registry,
    now,
    signal: abort.signal,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
    hooks,
  };
  const postSubresources: Record<string, Handler | undefined> = { ...podSubresources, '/ServiceAccount/token': tokenRequest(signer) };
  let ready = false;

  const route = async (req: IncomingMessage, res: ServerResponse, user: User | undefined): Promise<void> => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (healthPaths.test(path)) {
      const ok = !path.startsWith('/readyz') || ready;
      res.writeHead(ok ? 200 : 500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(ok ? 'ok' : '[-]skiff-bootstrap failed: not finished\nreadyz check failed');
      return;
    }
    if (path === '/version') {
      send(res, { code: 200, body: versionInfo() });
      return;
    }
    if (!user) throw new APIError('Unauthorized', 'Unauthorized');
    // Service account issuer discovery (every authenticated user may read it, as upstream's default binding allows).
    if (path === '/.well-known/openid-configuration') {
      send(res, { code: 200, body: openIDConfiguration(issuer) });
      return;
    }
    if (path === '/openid/v1/jwks') {
      send(res, { code: 200, body: jwks(saKey) });
      return;
    }
    if (path === '/metrics') {
      // Every component of this process registers its metrics in one place (upstream serves them per component).
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(exposition());
      return;
    }
    const info = parseRequestInfo(req.method ?? 'GET', path, url.searchParams);
    if (!info) {
      discovery(path, res, req.headers.accept);
      return;
    }
    if (info.group === 'metrics.k8s.io') {
      send(res, { code: 200, body: serveMetrics(registry, info, url.searchParams, now()) });
      return;
    }
    const review = findReview(info.group, info.version, info.resource);
    if (review) {
      // Decoded only for a create: any other verb is refused before the body matters.
      const body = info.verb === 'create' ? asObject(decodeBody(await readBody(req), req.headers['content-type'])) : { apiVersion: '', kind: '', metadata: {} };
      send(res, { code: 201, body: serveReview(review, info, body, { user, namespace: info.namespace, now: now(), tokenUser, apiAudiences: signer.audiences }) });
      return;
    }
    const resource = registry.find(info.group, info.version, info.resource);
    const sub = info.subresource;
    const post = resource && info.verb === 'create' && info.name ? postSubresources[`${resource.def.group}/${resource.def.kind}/${sub}`] : undefined;
    if (resource && post && info.namespace) {
      send(res, (await post(ctx, { info, resource, query: url.searchParams, req, res, wantsTable: false })) ?? { code: 201, body: {} });
      return;
    }
    if (resource && sub === 'log' && info.verb === 'get' && resource.def.kind === 'Pod' && !resource.def.group && info.namespace) {
      await podLog(ctx, { info, resource, query: url.searchParams, req, res, wantsTable: false }, { cert: pki.adminCert, key: pki.adminKey });
      return;
    }
    // A streaming subresource without the upgrade headers, as upstream's SPDY handshake answers it.
    if (resource && sub && STREAM_SUBRESOURCES.has(sub) && resource.def.kind === 'Pod' && !resource.def.group) throw badRequest('Upgrade request required');
    const knownSub = (sub === 'status' && resource?.def.hasStatus) || (sub === 'scale' && resource?.def.scale) || (sub === 'finalize' && resource?.def.kind === 'Namespace' && !resource.def.group);
    if (!resource || (sub && !knownSub) || (info.namespace && !resource.def.namespaced))
      throw new APIError('NotFound', 'the server could not find the requested resource');
    if (sub && (sub === 'finalize' ? info.verb !== 'update' : info.verb !== 'get' && info.verb !== 'update' && info.verb !== 'patch'))
      throw new APIError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
    // A namespaced resource outside a namespace: only list and watch exist there, as upstream.
    if (resource.def.namespaced && !info.namespace && info.verb !== 'list' && info.verb !== 'watch') {
      if (info.name) throw new APIError('NotFound', 'the server could not find the requested resource');
      throw new APIError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }
    crdController.check(resource, info, req);
    const call: Call = { info, resource, query: url.searchParams, req, res, wantsTable: wantsTable(req.headers.accept) };
    // A custom resource reads and writes through its own view of the store (versions).
    const reply = await handlers[info.verb](resource.store ? { ...ctx, store: resource.store } : ctx, call);
    if (reply) send(res, reply);
  };

  // Built on first use: most clients never ask, and it is the largest thing the server makes.
  // Rebuilt when the registry changes: custom resources come and go.
  let openapiDocs: { generation: number; docs: ReturnType<typeof openAPIv3> } | undefined;
  let openapiV2Doc: { generation: number; doc: Uint8Array } | undefined;
  const discovery = (path: string, res: ServerResponse, accept: string | undefined): void => {
    const aggregated = (path === '/api' || path === '/apis') && aggregatedVersion(accept);
    if (aggregated) {
      const body = JSON.stringify(aggregatedDiscovery(registry, path === '/api', aggregated));
      res.writeHead(200, { 'Content-Type': `application/json;g=apidiscovery.k8s.io;v=${aggregated};as=APIGroupDiscoveryList`, 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    if (openapiDocs?.generation !== registry.generation && path.startsWith('/openapi/v3')) openapiDocs = { generation: registry.generation, docs: openAPIv3(registry) };
    const openapi = path.startsWith('/openapi/v3') ? openapiDocs?.docs : undefined;
    if (openapi && path === '/openapi/v3') {
      send(res, { code: 200, body: openAPIv3Root(openapi) });
      return;
    }
    if (path === '/openapi/v2') {
      if (openapiV2Doc?.generation !== registry.generation) openapiV2Doc = { generation: registry.generation, doc: openAPIv2Protobuf(registry) };
      const openapiV2 = openapiV2Doc.doc;
      res.writeHead(200, { 'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf', 'Content-Length': openapiV2.length });
      res.end(openapiV2);
      return;
    }
    const doc = openapi && path.startsWith('/openapi/v3/') ? openapi.get(path.slice('/openapi/v3/'.length)) : undefined;
    if (doc) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'public, immutable', Etag: `"${doc.hash}"` });
      res.end(doc.body);
      return;
    }
    const address = `${options.bindAddress === '0.0.0.0' ? '127.0.0.1' : options.bindAddress}:${String(port)}`;
    const parts = path.split('/').filter(Boolean);
    let body: unknown;
    if (path === '/api') body = apiVersions(address);
    else if (path === '/apis') body = apiGroupList(registry);
    else if (parts[0] === 'api' && parts.length === 2) body = resourceList(registry, '', parts[1] ?? '');
    else if (parts[0] === 'apis' && parts.length === 3) body = resourceList(registry, parts[1] ?? '', parts[2] ?? '');
    else if (parts[0] === 'apis' && parts.length === 2) {
      const versions = groupVersions(registry, parts[1] ?? '');
      if (versions.length) body = apiGroup(parts[1] ?? '', versions);
    }
    if (body === undefined) throw new APIError('NotFound', 'the server could not find the requested resource');
    send(res, { code: 200, body });
  };

  const server: Server = createServer(
    { key: pki.serverKey, cert: pki.serverCert, ca: pki.caCert, requestCert: true, rejectUnauthorized: false, keepAliveTimeout: 65_000 },
    (req, res) => {
      route(req, res, authenticate(req)).catch((err: unknown) => {
        if (!(err instanceof APIError)) log('request failed', { method: req.method, url: req.url, err: err instanceof Error ? err.stack : String(err) });
        sendError(res, err);
      });
    },
  );
  // exec, attach, port-forward: upgraded connections proxied to the pod's kubelet; anything else is not upgraded.
  // They leave the server's books (closeAllConnections does not see them): close() ends them itself.
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    const refuse = (err: unknown) => {
      if (!(err instanceof APIError)) log('upgrade failed', { url: req.url, err: err instanceof Error ? err.stack : String(err) });
      const status = toStatus(err);
      refuseUpgrade(socket, status.code, 'application/json', JSON.stringify(status));
    };
    socket.on('error', () => socket.destroy());
    try {
      if (!authenticate(req)) throw new APIError('Unauthorized', 'Unauthorized');
      const url = new URL(req.url ?? '/', 'https://localhost');
      const info = parseRequestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
      if (!info || info.group || info.resource !== 'pods' || !info.namespace || !info.name || !STREAM_SUBRESOURCES.has(info.subresource) || (info.verb !== 'get' && info.verb !== 'create'))
        throw badRequest(`upgrade is not supported for ${url.pathname}`);
      podStream(ctx, info, url.searchParams, req, socket, head, { cert: pki.adminCert, key: pki.adminKey }).catch(refuse);
    } catch (err) {
      refuse(err);
    }
  });
  server.headersTimeout = 60_000;
  server.requestTimeout = 0;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.httpsPort, options.bindAddress, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  await registry.ready().catch(async (err: unknown) => {
    abort.abort();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    throw new Error(`cannot read from the datastore (${err instanceof Error ? err.message : String(err)}${cause})`, { cause: err });
  });
  await bootstrapNamespaces(options.store, registry, now());
  const advertise = options.bindAddress === '0.0.0.0' || options.bindAddress === '::' ? '127.0.0.1' : options.bindAddress;
  await reconcileKubernetesService(options.store, registry, services, { ip: advertise, port }, now());
  await bootstrapPriorityClasses(options.store, now());
  await crdController.ready;
  startCompactor({ store: options.store, intervalMs: options.compactionIntervalMs ?? 5 * 60_000, signal: abort.signal, onError: (err) => log('compaction failed', { err: String(err) }) });
  ready = true;

  const urlHost = options.bindAddress === '0.0.0.0' || options.bindAddress === '::' ? '127.0.0.1' : options.bindAddress;
  return {
    url: `https://${urlHost.includes(':') ? `[${urlHost}]` : urlHost}:${String(port)}`,
    port,
    caCert: pki.caCert,
    adminCert: pki.adminCert,
    adminKey: pki.adminKey,
    close: async () => {
      abort.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of upgraded) s.destroy();
      });
    },
  };
}
