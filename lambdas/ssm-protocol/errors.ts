/**
 * An SSM error as the JSON 1.1 protocol carries it: `__type` names the exception class the
 * SDK will construct, the HTTP status says client (400) or server (500) fault.
 */
export class SsmError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly httpStatus: number = 400,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = type;
  }
}

/** The "1 validation error detected" wording AWS uses for constraint violations. */
export function validationError(detail: string): SsmError {
  return new SsmError('ValidationException', `1 validation error detected: ${detail}`);
}

export function serializationError(member: string, expected: string): SsmError {
  return new SsmError('SerializationException', `Expected ${expected} for member '${member}'`);
}
