import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { queryParameters, type ApiRequest, type ApiResponse } from './http';

/**
 * API Gateway HTTP API (payload format 2.0) to ApiRequest and back. The query is read from
 * rawQueryString with the same function node:http's adapter uses, so local mode cannot drift
 * from it; it equals queryStringParameters (a repeated name's values joined with commas).
 */
export function apiRequestFromEvent(event: APIGatewayProxyEventV2): ApiRequest {
  const query = queryParameters(new URLSearchParams(event.rawQueryString ?? ''));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const raw = event.body ?? '';
  return {
    method: event.requestContext.http.method,
    path: event.rawPath,
    query,
    headers,
    body: event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw,
  };
}

export function resultFromResponse(response: ApiResponse): APIGatewayProxyStructuredResultV2 {
  return { statusCode: response.statusCode, headers: { ...response.headers }, body: response.body, isBase64Encoded: false };
}
