import type { Log } from '../log';

/**
 * A ValidationException from DynamoDB: it refused the request it was sent. The query API
 * checks its input before reading, so what still gets here was caused by the request's data
 * (or, if ever, by a bug): either way the caller gets a 400 that says so, never a 500, and
 * the log keeps DynamoDB's words for whoever has to look.
 */
export function isDynamoDbValidationError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'ValidationException' && '$metadata' in error;
}

/** Where the query API reports what the caller does not see. */
export type QueryLog = Pick<Log, 'warn' | 'error'>;

export function errorAttributes(error: unknown): Record<string, unknown> {
  return error instanceof Error ? { errorName: error.name, errorMessage: error.message, stack: error.stack } : { error: String(error) };
}
