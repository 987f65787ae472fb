/** Why a protobuf body could not be decoded. */
export type ProtobufErrorCode = 'BadMagic' | 'UnknownKind' | 'Malformed';

/** A protobuf body that skiff cannot decode; `code` says why (errors as data, as undici's codes). */
export class ProtobufError extends Error {
  readonly code: ProtobufErrorCode;

  constructor(code: ProtobufErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ProtobufError';
    this.code = code;
  }
}

/** True if `err` is a ProtobufError (of the given code, when one is given). */
export function isProtobufError(err: unknown, code?: ProtobufErrorCode): err is ProtobufError {
  return err instanceof ProtobufError && (code === undefined || err.code === code);
}
