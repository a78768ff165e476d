import { randomUUID } from 'node:crypto';
import { SsmError } from './errors';
import { isJsonObject, type JsonObject } from './input';

/**
 * SSM's wire protocol (AWS JSON 1.1), independent of the HTTP server carrying it: `POST /`
 * with `X-Amz-Target: AmazonSSM.<Operation>`, a JSON object both ways, timestamps as epoch
 * seconds, errors as `{"__type", "message"}` with the type repeated in `x-amzn-ErrorType`.
 * The simulator's node:http server and the archive's query API both speak it through here.
 */
export const SSM_TARGET_PREFIX = 'AmazonSSM.';
export const SSM_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** One call: the operation named by the target, and the request body. */
export interface SsmCall {
  readonly operation: string;
  readonly input: JsonObject;
}

export interface SsmHttpRequest {
  readonly method: string;
  /** The X-Amz-Target header, if any. */
  readonly target: string | undefined;
  readonly body: string;
}

export interface SsmHttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * What SSM rejects before any operation runs: anything but a POST with an AmazonSSM target
 * (UnknownOperationException, 400, as AWS's JSON services answer an unknown target), and a
 * body that is not a JSON object (SerializationException). An empty body is `{}`.
 */
export function readSsmCall(request: SsmHttpRequest): SsmCall {
  const { method, target, body } = request;
  if (method !== 'POST' || target === undefined || !target.startsWith(SSM_TARGET_PREFIX)) {
    throw new SsmError('UnknownOperationException', `Unknown operation ${String(target)}`);
  }
  let input: unknown;
  try {
    input = body.length === 0 ? {} : JSON.parse(body);
  } catch {
    throw new SsmError('SerializationException', 'Request body is not valid JSON');
  }
  if (!isJsonObject(input)) throw new SsmError('SerializationException', 'Request body must be a JSON object');
  return { operation: target.slice(SSM_TARGET_PREFIX.length), input };
}

/** A successful answer: the operation's output, Dates as epoch seconds. */
export function ssmOutputResponse(output: object): SsmHttpResponse {
  return { statusCode: 200, headers: baseHeaders(), body: encodeJson(output) };
}

export function ssmErrorResponse(error: SsmError): SsmHttpResponse {
  return {
    statusCode: error.httpStatus,
    headers: { ...baseHeaders(), 'x-amzn-ErrorType': error.type },
    body: JSON.stringify({ __type: error.type, message: error.message }),
  };
}

/** JSON with timestamps as epoch seconds (fractional milliseconds), as AWS JSON 1.1 sends them. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, encoded: unknown) {
    const original = this[key];
    return original instanceof Date ? original.getTime() / 1000 : encoded;
  });
}

function baseHeaders(): Record<string, string> {
  return { 'Content-Type': SSM_CONTENT_TYPE, 'x-amzn-RequestId': randomUUID() };
}
