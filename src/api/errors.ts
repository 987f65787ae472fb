/** Stable codes of the errors that api/ throws (all else is returned as data). */
export type ApiErrorCode = 'BadSelector';

/** Base error of the api component: a literal `code` and an optional `cause`. */
export class ApiError extends Error {
  /** Stable, machine-readable code (see {@link ApiErrorCode}). */
  readonly code: ApiErrorCode;

  /** Creates an error with a code and upstream's message. */
  constructor(code: ApiErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApiError';
    this.code = code;
  }
}

/** A label or field selector that does not parse; the API server answers 400 BadRequest. */
export class SelectorError extends ApiError {
  /** Creates a BadSelector error with upstream's parse message. */
  constructor(message: string) {
    super('BadSelector', message);
    this.name = 'SelectorError';
  }
}

/** True if `err` is a selector that failed to parse (as client-go's errors.IsBadRequest for selectors). */
export function isBadSelector(err: unknown): err is SelectorError {
  return err instanceof SelectorError;
}
