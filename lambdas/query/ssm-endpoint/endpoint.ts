import { SsmError } from '../../ssm-protocol/errors';
import { readSsmCall, ssmErrorResponse, ssmOutputResponse } from '../../ssm-protocol/json-protocol';
import { errorAttributes, isDynamoDbValidationError, type QueryLog } from '../failures';
import type { ApiRequest, ApiResponse } from '../http';
import { ssmOperations } from '../../sources/ssm-operations';
import type { EndpointContext } from './endpoint-context';

/**
 * `POST /` as SSM: X-Amz-Target names the operation, the body is its JSON request, and the
 * answer is SSM's response body or SSM's error shape. Each kind declares the operations it
 * answers (sources/ssm-operations.ts). `contextOf` gives what they read, for the account and
 * Region the request's path names (it throws SsmError for a path that names none).
 */
export async function answerSsmRequest(request: ApiRequest, contextOf: () => EndpointContext, log: QueryLog): Promise<ApiResponse> {
  let operationName: string | undefined;
  try {
    const ctx = contextOf();
    const call = readSsmCall({ method: request.method, target: request.headers['x-amz-target'], body: request.body });
    operationName = call.operation;
    const operation = ssmOperations.get(call.operation);
    if (operation === undefined) {
      throw new SsmError(
        'UnknownOperationException',
        `The archive does not support ${call.operation}: it answers ${[...ssmOperations.keys()].join(', ')}`,
      );
    }
    return ssmOutputResponse(await operation(call.input, ctx));
  } catch (error) {
    if (error instanceof SsmError) return ssmErrorResponse(error);
    if (isDynamoDbValidationError(error)) {
      log.warn('DynamoDB refused a query built from the request', { operation: operationName, ...errorAttributes(error) });
      return ssmErrorResponse(
        new SsmError('ValidationException', `The archive cannot answer this request: ${error.message}`, 400, { cause: error }),
      );
    }
    log.error('SSM operation failed', { operation: operationName, ...errorAttributes(error) });
    return ssmErrorResponse(new SsmError('InternalServerError', 'An internal error occurred; the archive logged it.', 500));
  }
}
