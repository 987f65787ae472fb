/** Why the node's container runtime could not be set up. */
export type RuntimeSetupErrorCode = 'RuntimeNotInstalled' | 'RuntimeNeedsRoot' | 'RuntimeStartFailed';

/** The container runtime could not be found, started or reached; the message says what to do. */
export class RuntimeSetupError extends Error {
  override readonly name = 'RuntimeSetupError';
  readonly code: RuntimeSetupErrorCode;

  constructor(code: RuntimeSetupErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** True if `err` is a {@link RuntimeSetupError} (with `code`, when given). */
export function isRuntimeSetupError(err: unknown, code?: RuntimeSetupErrorCode): err is RuntimeSetupError {
  return err instanceof RuntimeSetupError && (code === undefined || err.code === code);
}
