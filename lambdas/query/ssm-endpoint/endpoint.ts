import { SsmError } from '../../ssm-protocol/errors';
import type { JsonObject } from '../../ssm-protocol/input';
import { readSsmCall, ssmErrorResponse, ssmOutputResponse } from '../../ssm-protocol/json-protocol';
import { errorAttributes, isDynamoDbValidationError, type QueryLog } from '../failures';
import type { ApiRequest, ApiResponse } from '../http';
import { describeAssociationExecutions, describeAssociationExecutionTargets } from './association';
import { describeAutomationExecutions, describeAutomationStepExecutions } from './automation';
import {
  describeMaintenanceWindowExecutions,
  describeMaintenanceWindowExecutionTaskInvocations,
  describeMaintenanceWindowExecutionTasks,
} from './maintenance-window';
import { describeSessions } from './session';
import type { EndpointContext } from './endpoint-context';
import { getCommandInvocation, listCommandInvocations, listCommands } from './run-command';

/**
 * `POST /` as SSM: X-Amz-Target names the operation, the body is its JSON request, and the
 * answer is SSM's response body or SSM's error shape. Add an operation by adding a line.
 */
type Operation = (input: JsonObject, ctx: EndpointContext) => Promise<object>;

const OPERATIONS: ReadonlyMap<string, Operation> = new Map<string, Operation>([
  ['ListCommands', listCommands],
  ['ListCommandInvocations', listCommandInvocations],
  ['GetCommandInvocation', getCommandInvocation],
  ['DescribeAutomationExecutions', describeAutomationExecutions],
  ['DescribeAutomationStepExecutions', describeAutomationStepExecutions],
  ['DescribeAssociationExecutions', describeAssociationExecutions],
  ['DescribeAssociationExecutionTargets', describeAssociationExecutionTargets],
  ['DescribeMaintenanceWindowExecutions', describeMaintenanceWindowExecutions],
  ['DescribeMaintenanceWindowExecutionTasks', describeMaintenanceWindowExecutionTasks],
  ['DescribeMaintenanceWindowExecutionTaskInvocations', describeMaintenanceWindowExecutionTaskInvocations],
  ['DescribeSessions', describeSessions],
]);

export async function answerSsmRequest(request: ApiRequest, ctx: EndpointContext, log: QueryLog): Promise<ApiResponse> {
  let operationName: string | undefined;
  try {
    const call = readSsmCall({ method: request.method, target: request.headers['x-amz-target'], body: request.body });
    operationName = call.operation;
    const operation = OPERATIONS.get(call.operation);
    if (operation === undefined) {
      throw new SsmError(
        'UnknownOperationException',
        `The archive does not support ${call.operation}: it answers ${[...OPERATIONS.keys()].join(', ')}`,
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
