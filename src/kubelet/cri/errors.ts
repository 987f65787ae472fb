import { status as GrpcStatus } from '@grpc/grpc-js';

/** Why a CRI call failed, from its gRPC status. */
export type CriErrorCode =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Unavailable'
  | 'DeadlineExceeded'
  | 'Cancelled'
  | 'Unimplemented'
  | 'InvalidArgument'
  | 'Unknown';

/** A failed CRI call: the method, a stable code, and the runtime's message. */
export class CriError extends Error {
  override readonly name = 'CriError';
  readonly code: CriErrorCode;
  readonly method: string;
  /** The numeric gRPC status (`@grpc/grpc-js` `status`). */
  readonly grpcCode: GrpcStatus;

  constructor(method: string, grpcCode: GrpcStatus, details: string, options?: ErrorOptions) {
    super(`CRI ${method}: ${details}`, options);
    this.method = method;
    this.grpcCode = grpcCode;
    this.code = codeOf(grpcCode);
  }
}

function codeOf(grpcCode: GrpcStatus): CriErrorCode {
  switch (grpcCode) {
    case GrpcStatus.NOT_FOUND: return 'NotFound';
    case GrpcStatus.ALREADY_EXISTS: return 'AlreadyExists';
    case GrpcStatus.UNAVAILABLE: return 'Unavailable';
    case GrpcStatus.DEADLINE_EXCEEDED: return 'DeadlineExceeded';
    case GrpcStatus.CANCELLED: return 'Cancelled';
    case GrpcStatus.UNIMPLEMENTED: return 'Unimplemented';
    case GrpcStatus.INVALID_ARGUMENT: return 'InvalidArgument';
    default: return 'Unknown';
  }
}

/** True if the runtime has no such sandbox, container or image. */
export const isCriNotFound = (err: unknown): boolean => err instanceof CriError && err.code === 'NotFound';

/** True if the runtime could not be reached (not started yet, restarting, or gone). */
export const isCriUnavailable = (err: unknown): boolean => err instanceof CriError && err.code === 'Unavailable';
