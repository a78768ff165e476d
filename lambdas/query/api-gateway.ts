import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiRequest, ApiResponse } from './http';

/**
 * API Gateway HTTP API (payload format 2.0) to ApiRequest and back. The query string is read
 * from rawQueryString, not queryStringParameters, which joins a repeated name's values with
 * commas; ApiRequest keeps the last one, as node:http does in local mode.
 */
export function apiRequestFromEvent(event: APIGatewayProxyEventV2): ApiRequest {
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(event.rawQueryString ?? '')) query[name] = value;
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
