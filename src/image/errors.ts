/** Stable codes of {@link ImageError}. */
export type ImageErrorCode =
  | 'InvalidReference'
  | 'InvalidSource'
  | 'MissingLibrary'
  | 'UnsupportedArchitecture'
  | 'NoCtr'
  | 'NoContainerd'
  | 'ImportFailed';

/** A build or import that cannot go on; the message says what to do about it. */
export class ImageError extends Error {
  readonly code: ImageErrorCode;

  constructor(code: ImageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ImageError';
    this.code = code;
  }
}

/** True when `err` is an {@link ImageError} (with `code`, when given). */
export function isImageError(err: unknown, code?: ImageErrorCode): err is ImageError {
  return err instanceof ImageError && (code === undefined || err.code === code);
}
