/**
 * The query API's requests and responses, independent of how they arrive: API Gateway's
 * HTTP API event in AWS (lambdas/handlers/query.ts), node:http in local mode. Every route is
 * written once against these.
 */
export interface ApiRequest {
  readonly method: string;
  /** The path without the query string, e.g. "/instances/i-0123456789abcdef0/history". */
  readonly path: string;
  /** Query string parameters, decoded; a repeated parameter keeps its last value. */
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
