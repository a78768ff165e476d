import type { ApiResponse } from './http';

/** JSON answers of the archive views and of the router itself (SSM's shapes live in ssm-protocol). */
export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

export const messageResponse = (statusCode: number, message: string, headers?: Record<string, string>): ApiResponse =>
  jsonResponse(statusCode, { message }, headers);
