/**
 * The query API's requests and responses, independent of how they arrive: API Gateway's
 * HTTP API event in AWS (lambdas/handlers/query.ts), node:http in local mode. Every route is
 * written once against these.
 */
export interface ApiRequest {
  readonly method: string;
  /** The path without the query string, e.g. "/instances/i-0123456789abcdef0/history". */
  readonly path: string;
  /**
   * Query string parameters, decoded; a repeated name's values joined with commas, in the
   * order sent (`status=Failed&status=TimedOut` arrives as "Failed,TimedOut"), as API Gateway
   * hands them to Lambda: see queryParameters.
   */
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body as text ('' when there is none). */
  readonly body: string;
}

export interface ApiResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type ApiHandler = (request: ApiRequest) => Promise<ApiResponse>;

/**
 * A query string's parameters as ApiRequest carries them. API Gateway's HTTP API (payload
 * format 2.0) has no multi-value field: it joins a repeated name's values with commas in
 * queryStringParameters. Both adapters (API Gateway's, node:http's) build the query with this,
 * so a repeated parameter means the same deployed and in local mode.
 */
export function queryParameters(search: URLSearchParams): Record<string, string> {
  const values = new Map<string, string>();
  for (const [name, value] of search) {
    const earlier = values.get(name);
    values.set(name, earlier === undefined ? value : `${earlier},${value}`);
  }
  // fromEntries defines each name as an own property, "__proto__" included.
  return Object.fromEntries(values);
}
