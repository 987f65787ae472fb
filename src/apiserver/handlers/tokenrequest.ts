/**
 * POST serviceaccounts/NAME/token: upstream's TokenRequest subresource
 * (authentication.k8s.io/v1). Mints a JWT for the account, signed with the
 * cluster's service account key, for the requested audiences (default:
 * the API's) and lifetime (default one hour, at least ten minutes),
 * optionally bound to a Pod, Secret or Node of which it then shares the
 * life. Answers 201 with the request and `status.token`.
 */
import { randomUUID } from 'node:crypto';
import { invalid as invalidField, statusMessageFor } from '../../api/field-errors.js';
import type { FieldError, KubeObject } from '../../api/meta.js';
import { APIError, badRequest, invalid, notFound } from '../errors.js';
import { signJWT } from '../jwt.js';
import { timestamp } from '../objects.js';
import { storageKey } from '../registry.js';
import { asObject, decodeBody, readBody } from '../request.js';
import type { ServiceAccountKey } from '../sakey.js';
import { tokenClaims, type KubernetesClaim, type Ref } from '../satoken.js';
import type { Handler, HandlerContext } from './context.js';

/** Who signs tokens, for whom by default. */
export interface TokenSigner {
  readonly key: ServiceAccountKey;
  readonly issuer: string;
  /** The API's audiences: the default of `spec.audiences`. */
  readonly audiences: readonly string[];
}

/** Upstream's default `spec.expirationSeconds`. */
const DEFAULT_SECONDS = 3600;
const MIN_SECONDS = 600;
const MAX_SECONDS = 2 ** 32;
/**
 * The lifetime the ServiceAccount admission asks for in `kube-api-access-*`
 * volumes: a token bound to a pod asked for with it lives a year and warns
 * after 3607 s, so that clients that never re-read the file keep working
 * (upstream's WarnOnlyBoundTokenExpirationSeconds and ExpirationExtensionSeconds).
 */
export const WARN_ONLY_SECONDS = 3607;
const EXTENDED_SECONDS = 365 * 24 * 3600;

interface BoundObjectRef {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly uid?: string;
}

interface TokenRequestSpec {
  audiences?: string[] | null;
  expirationSeconds?: number | null;
  boundObjectRef?: BoundObjectRef | null;
}

/** An object of the core group from the store (fresh, as upstream's registry reads it), or undefined. */
async function getCore(ctx: HandlerContext, resource: string, namespace: string, name: string): Promise<KubeObject | undefined> {
  const r = ctx.registry.find('', 'v1', resource);
  if (!r || !name) return undefined;
  const kv = await ctx.store.get(storageKey(r, namespace, name));
  return kv ? r.codec.decode(kv).object : undefined;
}

const refOf = (o: KubeObject): Ref => ({ name: o.metadata.name ?? '', uid: o.metadata.uid ?? '' });

/** The checks of upstream's ValidateTokenRequest. */
function specErrors(seconds: number): FieldError[] {
  if (seconds < MIN_SECONDS) return [invalidField('spec.expirationSeconds', seconds, 'may not specify a duration less than 10 minutes')];
  if (seconds > MAX_SECONDS) return [invalidField('spec.expirationSeconds', seconds, 'may not specify a duration larger than 2^32 seconds')];
  return [];
}

/** `group/version, Kind=kind`, as Go prints a GroupVersionKind. */
function gvkString(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  return `${group ?? ''}/${version ?? ''}, Kind=${kind}`;
}

/** The TokenRequest handler, signing with `signer`. */
export function tokenRequest(signer: TokenSigner): Handler {
  return async (ctx, call) => {
    const { namespace, name } = call.info;
    const body = asObject(decodeBody(await readBody(call.req), call.req.headers['content-type']));
    if (body.kind && body.kind !== 'TokenRequest') throw badRequest(`expected TokenRequest, got ${body.kind}`);
    const nameMismatch = body.metadata.name && body.metadata.name !== name ? [invalidField('metadata.name', body.metadata.name, 'must match the service account name if specified')] : [];
    const nsMismatch = body.metadata.namespace && body.metadata.namespace !== namespace ? [invalidField('metadata.namespace', body.metadata.namespace, 'must match the service account namespace if specified')] : [];
    const spec = { ...((body.spec ?? {}) as TokenRequestSpec) };
    const seconds = spec.expirationSeconds ?? DEFAULT_SECONDS;
    const errs = [...nameMismatch, ...nsMismatch, ...specErrors(seconds)];
    if (errs.length) throw invalid('TokenRequest', 'authentication.k8s.io', name, statusMessageFor('TokenRequest', name, errs, 'authentication.k8s.io'), errs);
    const audiences = spec.audiences?.length ? spec.audiences : [...signer.audiences];

    const sa = await getCore(ctx, 'serviceaccounts', namespace, name);
    if (!sa) throw notFound({ resource: 'serviceaccounts', group: '', name });
    const claim: { -readonly [K in keyof KubernetesClaim]: KubernetesClaim[K] } = { namespace, serviceaccount: refOf(sa) };

    const bound = spec.boundObjectRef ?? undefined;
    if (bound) {
      const kind = bound.kind ?? '';
      const apiVersion = bound.apiVersion ?? '';
      const boundName = bound.name ?? '';
      let obj: KubeObject | undefined;
      if (apiVersion !== 'v1' || !['Pod', 'Secret', 'Node'].includes(kind)) throw badRequest(`cannot bind token to object of type ${gvkString(apiVersion, kind)}`);
      if (kind === 'Pod') {
        obj = await getCore(ctx, 'pods', namespace, boundName);
        if (!obj) throw notFound({ resource: 'pods', group: '', name: boundName });
        const podSpec = (obj.spec ?? {}) as { serviceAccountName?: string; nodeName?: string };
        if (podSpec.serviceAccountName !== name) throw badRequest(`cannot bind token for serviceaccount "${name}" to pod running with different serviceaccount name.`);
        claim.pod = refOf(obj);
        // The node is information only: a pod on a node that is gone still gets its token, as upstream.
        const node = podSpec.nodeName ? await getCore(ctx, 'nodes', '', podSpec.nodeName) : undefined;
        if (node) claim.node = refOf(node);
      } else if (kind === 'Secret') {
        obj = await getCore(ctx, 'secrets', namespace, boundName);
        if (!obj) throw notFound({ resource: 'secrets', group: '', name: boundName });
        claim.secret = refOf(obj);
      } else {
        obj = await getCore(ctx, 'nodes', '', boundName);
        if (!obj) throw notFound({ resource: 'nodes', group: '', name: boundName });
        claim.node = refOf(obj);
      }
      if (bound.uid && bound.uid !== obj.metadata.uid)
        throw new APIError(
          'Conflict',
          `Operation cannot be fulfilled on ${kind} "${boundName}": the UID in the bound object reference (${bound.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
          { name: boundName, group: '', kind },
        );
    }

    const now = ctx.now();
    let lifetime = seconds;
    if (claim.pod && seconds === WARN_ONLY_SECONDS && audiences.every((a) => signer.audiences.includes(a))) {
      lifetime = EXTENDED_SECONDS;
      claim.warnafter = Math.floor(now.getTime() / 1000) + seconds;
    }
    const token = signJWT(tokenClaims(signer.issuer, audiences, now, lifetime, randomUUID(), claim), signer.key.privateKey, signer.key.kid);
    // As upstream, the status names the lifetime asked for, not an extension: clients refresh on that.
    const expirationTimestamp = timestamp(new Date(now.getTime() + seconds * 1000));
    const reply: KubeObject = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: { ...body.metadata, name, namespace, creationTimestamp: timestamp(now) },
      spec: { ...spec, audiences, expirationSeconds: seconds, boundObjectRef: bound ?? null },
      status: { token, expirationTimestamp },
    };
    return { code: 201, body: reply };
  };
}
