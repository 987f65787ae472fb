import type { FieldError, Status } from '../api/meta.js';
import { StorageError } from '../storage/errors.js';

/** Upstream's StatusReason values that skiff returns. */
export type Reason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge'
  | 'Timeout'
  | 'TooManyRequests'
  | 'ServiceUnavailable'
  | 'InternalError';

const codes: Record<Reason, number> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  Expired: 410,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  Invalid: 422,
  TooManyRequests: 429,
  Timeout: 504,
  ServiceUnavailable: 503,
  InternalError: 500,
};

/** Details of a Status: which object, and for Invalid the causes. */
export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
  readonly causes?: readonly FieldError[];
}

/** An error the API server answers with a Status of the given reason. */
export class APIError extends Error {
  readonly reason: Reason;
  readonly details: StatusDetails | undefined;

  constructor(reason: Reason, message: string, details?: StatusDetails, options?: ErrorOptions) {
    super(message, options);
    this.name = 'APIError';
    this.reason = reason;
    this.details = details;
  }

  /** The HTTP status code of this error (the one place reasons map to codes). */
  get code(): number {
    return codes[this.reason];
  }
}

/** What a Status names an object by: its resource (`pods`), group and name. */
export interface Target {
  readonly resource: string;
  readonly group: string;
  readonly name: string;
}

const qualified = (t: Target) => (t.group ? `${t.resource}.${t.group}` : t.resource);
const details = (t: Target): StatusDetails => ({ name: t.name, group: t.group, kind: t.resource });

/** 404 as upstream: `pods "x" not found`. */
export const notFound = (t: Target) => new APIError('NotFound', `${qualified(t)} "${t.name}" not found`, details(t));

/** 409 AlreadyExists as upstream. */
export const alreadyExists = (t: Target) =>
  new APIError('AlreadyExists', `${qualified(t)} "${t.name}" already exists`, details(t));

/** 409 Conflict on a stale resourceVersion, with upstream's message. */
export const conflict = (t: Target) =>
  new APIError(
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(t)} "${t.name}": the object has been modified; please apply your changes to the latest version and try again`,
    details(t),
  );

/** 400 BadRequest. */
export const badRequest = (message: string) => new APIError('BadRequest', message);

/** 422 Invalid with causes; `message` is upstream's rendered form. */
export const invalid = (kind: string, group: string, name: string, message: string, causes: readonly FieldError[]) =>
  new APIError('Invalid', message, { name, group, kind, causes });

/** 410 Expired: a resourceVersion older than the retained history. */
export const expired = (message: string) => new APIError('Expired', message);

/** The Status object for any error (unknown errors become 500 InternalError). */
export function toStatus(err: unknown): Status {
  const e = err instanceof APIError ? err : fromUnknown(err);
  const status: Status = {
    apiVersion: 'v1',
    kind: 'Status',
    metadata: {},
    status: 'Failure',
    message: e.message,
    reason: e.reason,
    code: e.code,
  };
  if (e.details) {
    const { causes, ...rest } = e.details;
    status.details = { ...rest };
    if (causes) status.details.causes = causes.map((c) => ({ reason: c.type, message: c.message, field: c.field }));
  }
  return status;
}

function fromUnknown(err: unknown): APIError {
  if (err instanceof StorageError && err.code === 'Unavailable')
    return new APIError('ServiceUnavailable', `storage is unavailable: ${err.message}`);
  if (err instanceof StorageError && err.code === 'Compacted')
    return expired(`The resourceVersion for the provided watch is too old.`);
  return new APIError('InternalError', `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`);
}
