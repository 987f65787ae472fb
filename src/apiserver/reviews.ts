/**
 * The review APIs (authorization.k8s.io access and rules reviews,
 * authentication.k8s.io token and self reviews): create-only resources that
 * answer a question about a user and store nothing, as upstream's.
 *
 * skiff has no authorizer yet: every authenticated request is allowed, as
 * for upstream's `system:masters`. So every access review is allowed, and a
 * rules review lists the `*` rules of `cluster-admin` plus those every
 * authenticated user gets (`system:basic-user`, `system:discovery`,
 * `system:public-info-viewer`). When an authorizer arrives, it answers here.
 */
import type { FieldError, KubeObject } from '../api/meta.js';
import { invalid as invalidField } from '../api/field-errors.js';
import type { User } from './authn.js';
import { APIError, badRequest, invalid } from './errors.js';
import { checkTypeMeta, timestamp } from './objects.js';
import { statusMessageFor } from '../api/validation.js';
import type { RequestInfo } from './request.js';

/** One review resource, as discovery lists it, with the function that answers it. */
export interface ReviewResource {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** Fill `status` (and what else upstream sets) on a validated request object. */
  readonly answer: (obj: KubeObject, who: ReviewContext) => KubeObject;
}

/** What a review may look at: who asks, in which namespace, the token authenticator, the clock. */
export interface ReviewContext {
  readonly user: User;
  readonly namespace: string;
  readonly now: Date;
  /** The user a bearer token stands for if it is meant for one of `audiences` (default: the API's); TokenReview. */
  readonly tokenUser: (token: string, audiences?: readonly string[]) => User | undefined;
  /** The API's audiences (upstream's default --api-audiences: the service account issuer). */
  readonly apiAudiences: readonly string[];
}


type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : undefined);
const specOf = (o: KubeObject): Loose => obj(o.spec) ?? {};

/** Upstream's ValidateSubjectAccessReviewSpec and friends: exactly one kind of attributes, and a subject. */
function accessSpecErrors(spec: Loose, needSubject: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const res = obj(spec.resourceAttributes);
  const nonRes = obj(spec.nonResourceAttributes);
  if (res && nonRes) errs.push(invalidField('spec.nonResourceAttributes', nonRes, 'cannot be specified in combination with resourceAttributes'));
  if (!res && !nonRes) errs.push(invalidField('spec.resourceAttributes', null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  const groups = Array.isArray(spec.groups) ? spec.groups : [];
  if (needSubject && !spec.user && groups.length === 0) errs.push(invalidField('spec.user', spec.user ?? '', 'at least one of user or group must be specified'));
  return errs;
}

function check(kind: string, group: string, errs: readonly FieldError[]): void {
  if (errs.length) throw invalid(kind, group, '', statusMessageFor(kind, '', errs, group), errs);
}

/** An access review's answer: skiff allows every authenticated request (no authorizer yet). */
const allowed = (o: KubeObject): KubeObject => ({ ...o, status: { allowed: true } });

const userInfo = (u: User): Loose => ({ username: u.name, ...(u.uid ? { uid: u.uid } : {}), groups: [...u.groups], ...(u.extra && Object.keys(u.extra).length ? { extra: u.extra } : {}) });

const selfSubjectReview = (version: string): ReviewResource => ({
  group: 'authentication.k8s.io',
  version,
  resource: 'selfsubjectreviews',
  singular: 'selfsubjectreview',
  kind: 'SelfSubjectReview',
  namespaced: false,
  answer: (o, { user, now }) => ({ ...o, metadata: { ...o.metadata, creationTimestamp: timestamp(now) }, status: { userInfo: userInfo(user) } }),
});

/** Every review resource skiff serves. */
export const reviewResources: readonly ReviewResource[] = [
  {
    group: 'authentication.k8s.io',
    version: 'v1',
    resource: 'tokenreviews',
    singular: 'tokenreview',
    kind: 'TokenReview',
    namespaced: false,
    answer: (o, { tokenUser, apiAudiences }) => {
      const spec = specOf(o);
      const token = typeof spec.token === 'string' ? spec.token : '';
      if (!token) throw badRequest('token is required for TokenReview in authentication');
      const asked = Array.isArray(spec.audiences) ? spec.audiences.filter((a): a is string => typeof a === 'string') : [];
      const audiences = asked.length ? asked : apiAudiences;
      const user = tokenUser(token, audiences);
      if (!user) return { ...o, status: { user: {} } };
      return { ...o, status: { authenticated: true, user: userInfo(user), audiences } };
    },
  },
  selfSubjectReview('v1'),
  // kubectl 1.27 asks v1beta1 (GA came in 1.28); upstream 1.33 still serves it.
  selfSubjectReview('v1beta1'),
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    resource: 'localsubjectaccessreviews',
    singular: 'localsubjectaccessreview',
    kind: 'LocalSubjectAccessReview',
    namespaced: true,
    answer: (o, { namespace }) => {
      const spec = specOf(o);
      const errs = accessSpecErrors(spec, true);
      if (obj(spec.nonResourceAttributes)) errs.push(invalidField('spec.nonResourceAttributes', spec.nonResourceAttributes, 'disallowed on this kind of request'));
      check('LocalSubjectAccessReview', 'authorization.k8s.io', errs);
      const res = obj(spec.resourceAttributes) ?? {};
      if ((res.namespace ?? '') !== namespace) throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${namespace}`);
      return allowed(o);
    },
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    resource: 'selfsubjectaccessreviews',
    singular: 'selfsubjectaccessreview',
    kind: 'SelfSubjectAccessReview',
    namespaced: false,
    answer: (o) => {
      check('SelfSubjectAccessReview', 'authorization.k8s.io', accessSpecErrors(specOf(o), false));
      return allowed(o);
    },
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    resource: 'selfsubjectrulesreviews',
    singular: 'selfsubjectrulesreview',
    kind: 'SelfSubjectRulesReview',
    namespaced: false,
    answer: (o) => {
      if (!specOf(o).namespace) throw badRequest('no namespace on request');
      return { ...o, status: { resourceRules, nonResourceRules, incomplete: false } };
    },
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    resource: 'subjectaccessreviews',
    singular: 'subjectaccessreview',
    kind: 'SubjectAccessReview',
    namespaced: false,
    answer: (o) => {
      check('SubjectAccessReview', 'authorization.k8s.io', accessSpecErrors(specOf(o), true));
      return allowed(o);
    },
  },
];

const discoveryURLs = ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'];
const publicInfoURLs = ['/healthz', '/livez', '/readyz', '/version', '/version/'];

// cluster-admin's rules, then system:basic-user's (the self reviews).
const resourceRules = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
  { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
];
// cluster-admin's, system:discovery's and system:public-info-viewer's.
const nonResourceRules = [
  { verbs: ['*'], nonResourceURLs: ['*'] },
  { verbs: ['get'], nonResourceURLs: discoveryURLs },
  { verbs: ['get'], nonResourceURLs: publicInfoURLs },
];

/** The review resource served at /apis/GROUP/VERSION/RESOURCE, if any. */
export function findReview(group: string, version: string, resource: string): ReviewResource | undefined {
  return reviewResources.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/**
 * Answer a request to a review resource: only `create` exists; the body is
 * checked like any object's, answered, and returned with 201, never stored.
 */
export function serveReview(review: ReviewResource, info: RequestInfo, body: KubeObject, ctx: ReviewContext): KubeObject {
  if (info.subresource || (info.namespace !== '' && !review.namespaced)) throw new APIError('NotFound', 'the server could not find the requested resource');
  if (info.verb !== 'create' || info.name) throw new APIError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
  checkTypeMeta(review, body);
  if (review.namespaced) {
    if (!info.namespace) throw new APIError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
    if (body.metadata.namespace && body.metadata.namespace !== info.namespace)
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  return review.answer(body, ctx);
}
