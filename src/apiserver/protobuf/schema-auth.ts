import type { MessageTable } from './schema.js';

// Field numbers from k8s.io/api/authorization/v1 and authentication/v1
// (generated.proto). kubectl 1.32+ sends `auth can-i` and `auth whoami` as
// protobuf, and `create token` its TokenRequest. `extra` (map<string, ExtraValue>) is left out: ExtraValue is a
// bare string list in JSON, which a table cannot say, and kubectl never sends it.

/** Message tables of the review kinds: access reviews, rules reviews, token and self reviews. */
export const authTables: Readonly<Record<string, MessageTable>> = {
  SelfSubjectAccessReview: { 1: 'metadata ObjectMeta', 2: 'spec SelfSubjectAccessReviewSpec', 3: 'status SubjectAccessReviewStatus' },
  SelfSubjectAccessReviewSpec: { 1: 'resourceAttributes ResourceAttributes', 2: 'nonResourceAttributes NonResourceAttributes' },
  SubjectAccessReview: { 1: 'metadata ObjectMeta', 2: 'spec SubjectAccessReviewSpec', 3: 'status SubjectAccessReviewStatus' },
  SubjectAccessReviewSpec: {
    1: 'resourceAttributes ResourceAttributes',
    2: 'nonResourceAttributes NonResourceAttributes',
    3: 'user',
    4: 'groups []string',
    6: 'uid',
  },
  ResourceAttributes: {
    1: 'namespace',
    2: 'verb',
    3: 'group',
    4: 'version',
    5: 'resource',
    6: 'subresource',
    7: 'name',
    8: 'fieldSelector FieldSelectorAttributes',
    9: 'labelSelector LabelSelectorAttributes',
  },
  FieldSelectorAttributes: { 1: 'rawSelector', 2: 'requirements []FieldSelectorRequirement' },
  FieldSelectorRequirement: { 1: 'key', 2: 'operator', 3: 'values []string' },
  LabelSelectorAttributes: { 1: 'rawSelector', 2: 'requirements []LabelSelectorRequirement' },
  NonResourceAttributes: { 1: 'path', 2: 'verb' },
  SubjectAccessReviewStatus: { 1: 'allowed bool?', 2: 'reason', 3: 'evaluationError', 4: 'denied bool' },
  SelfSubjectRulesReview: { 1: 'metadata ObjectMeta', 2: 'spec SelfSubjectRulesReviewSpec', 3: 'status SubjectRulesReviewStatus' },
  SelfSubjectRulesReviewSpec: { 1: 'namespace' },
  SubjectRulesReviewStatus: { 1: 'resourceRules []ResourceRule', 2: 'nonResourceRules []NonResourceRule', 3: 'incomplete bool?', 4: 'evaluationError' },
  ResourceRule: { 1: 'verbs []string', 2: 'apiGroups []string', 3: 'resources []string', 4: 'resourceNames []string' },
  NonResourceRule: { 1: 'verbs []string', 2: 'nonResourceURLs []string' },
  SelfSubjectReview: { 1: 'metadata ObjectMeta', 2: 'status SelfSubjectReviewStatus' },
  SelfSubjectReviewStatus: { 1: 'userInfo UserInfo' },
  UserInfo: { 1: 'username', 2: 'uid', 3: 'groups []string' },
  TokenReview: { 1: 'metadata ObjectMeta', 2: 'spec TokenReviewSpec', 3: 'status TokenReviewStatus' },
  TokenReviewSpec: { 1: 'token', 2: 'audiences []string' },
  TokenReviewStatus: { 1: 'authenticated bool', 2: 'user UserInfo', 3: 'error', 4: 'audiences []string' },
  // kubectl create token posts serviceaccounts/NAME/token (a core subresource) as protobuf.
  TokenRequest: { 1: 'metadata ObjectMeta', 2: 'spec TokenRequestSpec', 3: 'status TokenRequestStatus' },
  TokenRequestSpec: { 1: 'audiences []string', 3: 'boundObjectRef BoundObjectReference', 4: 'expirationSeconds int64?' },
  BoundObjectReference: { 1: 'kind', 2: 'apiVersion', 3: 'name', 4: 'uid' },
  TokenRequestStatus: { 1: 'token', 2: 'expirationTimestamp Time' },
};
