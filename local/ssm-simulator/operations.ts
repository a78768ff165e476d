import type { PageTokens } from '../../lambdas/ssm-protocol/page-token';
import type { JsonObject } from '../../lambdas/ssm-protocol/input';
import type { AssociationState } from './association';
import { describeAssociationExecutions, describeAssociationExecutionTargets, listAssociations } from './association-api';
import type { AutomationState } from './automation';
import type { MaintenanceWindowState } from './maintenance-window';
import {
  describeMaintenanceWindowExecutions,
  describeMaintenanceWindowExecutionTaskInvocations,
  describeMaintenanceWindowExecutionTasks,
  describeMaintenanceWindows,
} from './maintenance-window-api';
import { describeAutomationExecutions, describeAutomationStepExecutions, getAutomationExecution } from './automation-api';
import { getCommandInvocation, listCommandInvocations, listCommands } from './run-command-api';
import type { SessionState } from './session';
import { describeSessions } from './session-api';
import type { RunCommandState } from './state';

/** What an operation handler can read. Each kind's state joins here. */
export interface OperationContext {
  readonly runCommand: RunCommandState;
  readonly automation: AutomationState;
  readonly association: AssociationState;
  readonly maintenanceWindow: MaintenanceWindowState;
  readonly session: SessionState;
  readonly tokens: PageTokens;
}

/** One SSM operation: request body in, response body out (Dates become epoch seconds on the wire). */
export type OperationHandler = (input: JsonObject, ctx: OperationContext) => object;

/** X-Amz-Target `AmazonSSM.<name>` -> handler. Add an operation by adding a line. */
export const OPERATIONS: ReadonlyMap<string, OperationHandler> = new Map<string, OperationHandler>([
  ['ListCommands', listCommands],
  ['ListCommandInvocations', listCommandInvocations],
  ['GetCommandInvocation', getCommandInvocation],
  ['DescribeAutomationExecutions', describeAutomationExecutions],
  ['DescribeAutomationStepExecutions', describeAutomationStepExecutions],
  ['GetAutomationExecution', getAutomationExecution],
  ['DescribeAssociationExecutions', describeAssociationExecutions],
  ['DescribeAssociationExecutionTargets', describeAssociationExecutionTargets],
  ['ListAssociations', listAssociations],
  ['DescribeMaintenanceWindows', describeMaintenanceWindows],
  ['DescribeMaintenanceWindowExecutions', describeMaintenanceWindowExecutions],
  ['DescribeMaintenanceWindowExecutionTasks', describeMaintenanceWindowExecutionTasks],
  ['DescribeMaintenanceWindowExecutionTaskInvocations', describeMaintenanceWindowExecutionTaskInvocations],
  ['DescribeSessions', describeSessions],
]);
