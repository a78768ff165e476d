import { randomUUID } from 'node:crypto';

/**
 * STS's wire protocol (AWS Query): a form-encoded POST of `Action`, `Version` and the
 * operation's parameters; XML back in STS's namespace, the result wrapped in
 * `<ActionResult>` beside `<ResponseMetadata>`; errors as `<ErrorResponse>` with the error's
 * Type (Sender or Receiver), Code and Message, and the request id.
 */
export const STS_VERSION = '2011-06-15';
export const STS_NAMESPACE = `https://sts.amazonaws.com/doc/${STS_VERSION}/`;

/** An STS error as the Query protocol carries it. */
export class StsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus: number = 400,
    /** Sender: the caller's fault; Receiver: the service's. */
    readonly type: 'Sender' | 'Receiver' = httpStatus >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
    this.name = code;
  }
}

export interface StsHttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The request's parameters: the query string's and the form body's (Query APIs take either). */
export function queryParameters(url: string, body: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const [name, value] of new URL(url, 'http://localhost').searchParams) params.set(name, value);
  for (const [name, value] of new URLSearchParams(body)) params.set(name, value);
  return params;
}

/** An XML element tree as plain data: text leaves, nested elements, in document order. */
export type XmlContent = string | readonly (readonly [string, XmlContent])[];

/** A successful answer: `<{action}Response><{action}Result>…</…Result><ResponseMetadata>…`. */
export function stsResultResponse(action: string, result: XmlContent): StsHttpResponse {
  const requestId = randomUUID();
  const body = `<${action}Response xmlns="${STS_NAMESPACE}">${element(`${action}Result`, result)}${element('ResponseMetadata', [['RequestId', requestId]])}</${action}Response>\n`;
  return { statusCode: 200, headers: headers(requestId), body };
}

export function stsErrorResponse(error: StsError): StsHttpResponse {
  const requestId = randomUUID();
  const detail = element('Error', [
    ['Type', error.type],
    ['Code', error.code],
    ['Message', error.message],
  ]);
  const body = `<ErrorResponse xmlns="${STS_NAMESPACE}">${detail}${element('RequestId', requestId)}</ErrorResponse>\n`;
  return { statusCode: error.httpStatus, headers: headers(requestId), body };
}

function headers(requestId: string): Record<string, string> {
  return { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId };
}

function element(name: string, content: XmlContent): string {
  const inner = typeof content === 'string' ? escapeXml(content) : content.map(([child, value]) => element(child, value)).join('');
  return `<${name}>${inner}</${name}>`;
}

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}
