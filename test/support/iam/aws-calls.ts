import { memberReadRoleName, type SsmScope } from '../../../lambdas/core/scope';
import { tableIds, tableSchemas, type ArchiveTableId as TableId } from '../../../lambdas/sources/tables';
import { resourceTypesOf } from './service-reference';

/** The three functions the stack deploys. */
export const deployedFunctions = ['collector', 'poller', 'query'] as const;
export type DeployedFunction = (typeof deployedFunctions)[number];

/**
 * What an AWS call targets, in terms the synthesized template can resolve for one function:
 * - `env`: a resource the function knows only through an environment variable (a table, with
 *   an optional index; the work queue; the alerts topic);
 * - `arn`: a resource named by its own ARN (SSM's executions, associations, windows), or "*"
 *   for actions that take no resource type.
 */
export type CallResource =
  | { readonly kind: 'env'; readonly envVar: string; readonly index?: string }
  | { readonly kind: 'arn'; readonly arn: string };

/** One AWS call a deployed function made, and the test that made it. */
export interface AwsCall {
  readonly fn: DeployedFunction;
  /** IAM action, e.g. `dynamodb:GetItem`. */
  readonly action: string;
  readonly resource: CallResource;
  /** The test (file and name) that made it first. */
  readonly test: string;
  /**
   * Request context the call sets itself, which IAM evaluates with it: AssumeRole's
   * ExternalId is the sts:ExternalId a role's trust policy may require.
   */
  readonly context?: Readonly<Record<string, string>>;
}

/** The account and Region the tests' ARNs are written in (the evaluator's request context). */
export const TEST_ACCOUNT = '123456789012';
export const TEST_REGION = 'us-east-1';

export const describeResource = (resource: CallResource): string =>
  resource.kind === 'arn' ? resource.arn : `${resource.envVar}${resource.index !== undefined ? `/index/${resource.index}` : ''}`;

const describeContext = (context: Readonly<Record<string, string>> | undefined): string =>
  context === undefined ? '' : Object.entries(context).map(([key, value]) => ` ${key}=${value}`).join('');

export const callKey = (call: Omit<AwsCall, 'test'>): string => `${call.fn} ${call.action} ${describeResource(call.resource)}${describeContext(call.context)}`;

/**
 * The calls a function makes only when the stack collects an organization: assuming the
 * members' read roles, listing the organization's accounts, and sending to the poll queue,
 * which only an organization's stack has. The default stack allows none.
 */
export const isOrganizationOnly = (call: Pick<AwsCall, 'action' | 'resource'>): boolean =>
  call.action.startsWith('sts:') || call.action.startsWith('organizations:') || (call.resource.kind === 'env' && call.resource.envVar === 'POLL_QUEUE_URL');

const memberReadRoleArnForm = new RegExp(`^arn:[a-z-]+:iam::(\\d{12}):role/${memberReadRoleName('')}([a-z0-9-]+)$`);

/** A member read role's account and Region, from its ARN (memberReadRoleArn, as the runtime assumes it). */
export function memberReadRoleScope(roleArn: string): SsmScope | undefined {
  const match = memberReadRoleArnForm.exec(roleArn);
  return match === null ? undefined : { account: match[1] as string, region: match[2] as string };
}

/**
 * The table a physical name belongs to. Tests and local mode name tables `<prefix><logicalName>`
 * (prefixedTableNames); the longest logical name that ends the name wins, so that
 * "...AutomationExecutions" is not taken for another table ending in "Executions".
 */
export function tableIdOfName(tableName: string): TableId | undefined {
  let best: TableId | undefined;
  for (const id of tableIds) {
    const logicalName = tableSchemas[id].logicalName;
    if (tableName.endsWith(logicalName) && (best === undefined || logicalName.length > tableSchemas[best].logicalName.length)) best = id;
  }
  return best;
}

/** The environment variable that names a table to the function, from the table's physical name. */
export type TableEnvVarOf = (tableName: string) => string | undefined;

const envVarBySchemaName: TableEnvVarOf = (tableName) => {
  const id = tableIdOfName(tableName);
  return id === undefined ? undefined : tableSchemas[id].envVar;
};

const tableResource = (tableEnvVarOf: TableEnvVarOf, tableName: string, index?: string): CallResource => {
  // A table outside the schema is named as it is: no function's environment can resolve it.
  const envVar = tableEnvVarOf(tableName) ?? `unknown table ${tableName}`;
  return { kind: 'env', envVar, ...(index !== undefined ? { index } : {}) };
};

/**
 * SSM request fields that name a resource, with the resource type the Service Authorization
 * Reference gives for it (its ARN format: arn:${Partition}:ssm:${Region}:${Account}:<type>/<id>).
 * Actions that take no resource type are evaluated on "*" whatever their input.
 */
const ssmResourceFields: readonly (readonly [field: string, type: string])[] = [
  ['AutomationExecutionId', 'automation-execution'],
  ['AssociationId', 'association'],
  ['WindowId', 'maintenancewindow'],
];

/**
 * The IAM action an API operation is authorized as. SQS authorizes its batch operations as the
 * single ones (SQS developer guide, "Amazon SQS API permissions: Actions and resource
 * reference"); every other operation used here is its own action.
 */
export function iamActionName(service: string, operation: string): string {
  if (service === 'sqs' && operation.endsWith('Batch')) return operation.slice(0, -'Batch'.length);
  return operation;
}

/** The environment variable that names a queue to the function, from the queue's URL. */
export type QueueEnvVarOf = (queueUrl: string) => string;

/** The function's queues, by the variables that name them: its work queue, and with an organization the poller's poll queue. */
const queueEnvVars = ['WORK_QUEUE_URL', 'POLL_QUEUE_URL'] as const;

/**
 * The variable whose value, in the environment the code under test was loaded with, is the
 * queue's URL; the work queue otherwise (where the tests name no queue in the environment).
 */
const envVarByEnvironment: QueueEnvVarOf = (queueUrl) => queueEnvVars.find((name) => process.env[name] === queueUrl) ?? 'WORK_QUEUE_URL';

/** The resources one SDK command targets, as IAM sees them. */
export function resourcesOfCommand(
  service: string,
  operation: string,
  input: Readonly<Record<string, unknown>>,
  tableEnvVarOf: TableEnvVarOf = envVarBySchemaName,
  queueEnvVarOf: QueueEnvVarOf = envVarByEnvironment,
): CallResource[] {
  const text = (field: string): string | undefined => (typeof input[field] === 'string' ? (input[field] as string) : undefined);
  switch (service) {
    case 'dynamodb': {
      if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
        return Object.keys((input.RequestItems as Record<string, unknown> | undefined) ?? {}).map((name) => tableResource(tableEnvVarOf, name));
      }
      if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
        const items = (input.TransactItems as Record<string, { TableName?: string }>[] | undefined) ?? [];
        return items.flatMap((item) => Object.values(item).map((action) => tableResource(tableEnvVarOf, action.TableName ?? '')));
      }
      const table = text('TableName');
      return table === undefined ? [{ kind: 'arn', arn: '*' }] : [tableResource(tableEnvVarOf, table, text('IndexName'))];
    }
    case 'ssm': {
      const types = resourceTypesOf('ssm', operation).map((type) => type.name);
      for (const [field, type] of ssmResourceFields) {
        const id = text(field);
        if (id !== undefined && types.includes(type)) return [{ kind: 'arn', arn: `arn:aws:ssm:${TEST_REGION}:${TEST_ACCOUNT}:${type}/${id}` }];
      }
      return [{ kind: 'arn', arn: '*' }];
    }
    // A function knows its queues and its topic through its environment.
    case 'sqs': {
      const queueUrl = text('QueueUrl');
      return [{ kind: 'env', envVar: queueUrl === undefined ? 'WORK_QUEUE_URL' : queueEnvVarOf(queueUrl) }];
    }
    case 'sns':
      return [{ kind: 'env', envVar: 'ALERT_TOPIC_ARN' }];
    // AssumeRole is authorized on the role assumed (Service Authorization Reference, AWS STS:
    // AssumeRole takes the resource type role, arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}).
    case 'sts': {
      const roleArn = operation === 'AssumeRole' ? text('RoleArn') : undefined;
      return [{ kind: 'arn', arn: roleArn ?? '*' }];
    }
    // ListAccounts takes no resource type (Service Authorization Reference, AWS Organizations).
    case 'organizations':
    default:
      return [{ kind: 'arn', arn: '*' }];
  }
}

/** The request context a command sets itself: AssumeRole's ExternalId, as sts:ExternalId. */
export function contextOfCommand(service: string, operation: string, input: Readonly<Record<string, unknown>>): Readonly<Record<string, string>> | undefined {
  if (service === 'sts' && operation === 'AssumeRole' && typeof input.ExternalId === 'string') return { 'sts:ExternalId': input.ExternalId };
  return undefined;
}

/**
 * Which deployed function a call belongs to, from the source files on its (async) stack: the
 * outermost engine frame decides, so that the store or the checkpoints, which several
 * functions share, count for whichever engine called them. Calls with no engine on the stack
 * (test set-up, the simulator, local mode's own housekeeping) belong to no deployed function.
 */
const engineFrames: readonly (readonly [pattern: RegExp, fn: DeployedFunction])[] = [
  [/lambdas\/handlers\/(organization-)?collector(-function)?\.ts/, 'collector'],
  [/lambdas\/handlers\/poller\.ts/, 'poller'],
  [/lambdas\/handlers\/query\.ts/, 'query'],
  [/lambdas\/collector\//, 'collector'],
  [/lambdas\/alerts\//, 'collector'],
  [/lambdas\/polling\/(poller|work-sink)\.ts/, 'poller'],
  [/lambdas\/sources\/[^/]+\/listing\.ts/, 'poller'],
  [/lambdas\/query\//, 'query'],
];

export function functionOfStack(stack: string): DeployedFunction | undefined {
  const frames = stack.split('\n').filter((line) => line.includes('/lambdas/'));
  for (let i = frames.length - 1; i >= 0; i--) {
    const frame = frames[i] as string;
    for (const [pattern, fn] of engineFrames) if (pattern.test(frame)) return fn;
  }
  return undefined;
}
