import { TEST_ACCOUNT, TEST_REGION, deployedFunctions, type DeployedFunction } from './aws-calls';

/**
 * The deployed functions as the synthesized template describes them: their roles' policies and
 * their environment, with every intrinsic resolved to the names the tests use (a resource's
 * physical name is its logical ID), and the calls that AWS makes with the role on the
 * function's behalf (Lambda's SQS poller, its log delivery, X-Ray, SNS's use of the topic key).
 */
export interface CfnTemplate {
  readonly Resources: Readonly<Record<string, CfnResource>>;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
}

export interface PolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, unknown>>;
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly PolicyStatement[];
}

/** A call that AWS makes with the function's role, and why. */
export interface PlatformCall {
  readonly action: string;
  readonly arn: string;
  readonly reason: string;
}

export interface DeployedFunctionModel {
  readonly fn: DeployedFunction;
  readonly logicalId: string;
  readonly roleArn: string;
  readonly handler: string;
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
  /** The template's S3 key of the code asset: `<hash>.zip`. */
  readonly assetHash: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly policies: readonly { readonly name: string; readonly document: PolicyDocument }[];
  readonly platformCalls: readonly PlatformCall[];
}

export interface ResolveOptions {
  /** A queue's URL (default: SQS's public form). The rehearsal points it at its local queue. */
  readonly queueUrl?: (logicalId: string) => string;
  /**
   * The account and Region the stack is deployed in (default: the tests', TEST_ACCOUNT and
   * TEST_REGION): a member stack, environment-agnostic, is resolved as each member deploys it.
   */
  readonly account?: string;
  readonly region?: string;
}

const partition = 'aws';

/** Resolves CloudFormation intrinsics with each resource named by its logical ID. */
export class TemplateValues {
  private readonly account: string;
  private readonly region: string;

  constructor(
    private readonly template: CfnTemplate,
    private readonly options: ResolveOptions = {},
  ) {
    this.account = options.account ?? TEST_ACCOUNT;
    this.region = options.region ?? TEST_REGION;
  }

  private arnOf(service: string, resource: string): string {
    return `arn:${partition}:${service}:${this.region}:${this.account}:${resource}`;
  }

  private typeOf(logicalId: string): string {
    const resource = this.template.Resources[logicalId];
    if (resource === undefined) throw new Error(`The template has no resource ${logicalId}`);
    return resource.Type;
  }

  ref(logicalId: string): string {
    switch (logicalId) {
      case 'AWS::Region':
        return this.region;
      case 'AWS::AccountId':
        return this.account;
      case 'AWS::Partition':
        return partition;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return 'SsmHistory';
      case 'AWS::StackId':
        return this.arnOf('cloudformation', 'stack/SsmHistory/00000000-0000-4000-8000-000000000000');
    }
    switch (this.typeOf(logicalId)) {
      case 'AWS::SQS::Queue':
        return this.options.queueUrl?.(logicalId) ?? `https://sqs.${this.region}.amazonaws.com/${this.account}/${logicalId}`;
      case 'AWS::SNS::Topic':
        return this.arnOf('sns', logicalId);
      default:
        return logicalId;
    }
  }

  getAtt(logicalId: string, attribute: string): string {
    const type = this.typeOf(logicalId);
    if (attribute === 'Arn' || attribute === 'TopicArn') {
      switch (type) {
        case 'AWS::DynamoDB::GlobalTable':
        case 'AWS::DynamoDB::Table':
          return this.arnOf('dynamodb', `table/${logicalId}`);
        case 'AWS::SQS::Queue':
          return this.arnOf('sqs', logicalId);
        case 'AWS::SNS::Topic':
          return this.arnOf('sns', logicalId);
        case 'AWS::KMS::Key':
          return this.arnOf('kms', `key/${logicalId}`);
        case 'AWS::Logs::LogGroup':
          return this.arnOf('logs', `log-group:${logicalId}:*`);
        case 'AWS::Lambda::Function':
          return this.arnOf('lambda', `function:${logicalId}`);
        case 'AWS::IAM::Role': {
          // A role given a name has it in its ARN (which the members' trust policies name); CloudFormation names the others.
          const roleName = this.template.Resources[logicalId]?.Properties?.RoleName;
          return `arn:${partition}:iam::${this.account}:role/${roleName === undefined ? logicalId : this.text(roleName)}`;
        }
        case 'AWS::Events::Rule':
          return this.arnOf('events', `rule/${logicalId}`);
      }
    }
    if (type === 'AWS::SQS::Queue' && attribute === 'QueueName') return logicalId;
    if (type === 'AWS::SQS::Queue' && attribute === 'QueueUrl') return this.ref(logicalId);
    if (type === 'AWS::KMS::Key' && attribute === 'KeyId') return logicalId;
    throw new Error(`Cannot resolve Fn::GetAtt ${logicalId}.${attribute} (${type})`);
  }

  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, argument] = entries[0] as [string, unknown];
      switch (key) {
        case 'Ref':
          return this.ref(argument as string);
        case 'Fn::GetAtt': {
          const [logicalId, attribute] = argument as [string, string];
          return this.getAtt(logicalId, attribute);
        }
        case 'Fn::Join': {
          const [separator, parts] = argument as [string, unknown[]];
          return parts.map((part) => String(this.resolve(part))).join(separator);
        }
        case 'Fn::Select': {
          const [index, list] = argument as [number, unknown];
          return (this.resolve(list) as unknown[])[Number(index)];
        }
        case 'Fn::Split': {
          const [separator, text] = argument as [string, unknown];
          return String(this.resolve(text)).split(separator);
        }
      }
    }
    return Object.fromEntries(entries.map(([key, item]) => [key, this.resolve(item)]));
  }

  text(value: unknown): string {
    const resolved = this.resolve(value);
    if (typeof resolved !== 'string') throw new Error(`Expected a string, got ${JSON.stringify(resolved)}`);
    return resolved;
  }
}

const asList = <T>(value: T | readonly T[]): readonly T[] => (Array.isArray(value) ? (value as readonly T[]) : [value as T]);
export const actionsOfStatement = (statement: PolicyStatement): readonly string[] => asList(statement.Action);
export const resourcesOfStatement = (statement: PolicyStatement): readonly string[] => asList(statement.Resource);

/**
 * The three deployed functions of a synthesized SsmHistory stack, given their logical IDs
 * (from the constructs, never guessed from names).
 */
export function deployedFunctionModels(
  template: CfnTemplate,
  logicalIds: Readonly<Record<DeployedFunction, string>>,
  options: ResolveOptions = {},
): Record<DeployedFunction, DeployedFunctionModel> {
  const values = new TemplateValues(template, options);
  const resources = Object.entries(template.Resources);
  const models = {} as Record<DeployedFunction, DeployedFunctionModel>;
  for (const fn of deployedFunctions) {
    const logicalId = logicalIds[fn];
    const properties = template.Resources[logicalId]?.Properties ?? {};
    const roleLogicalId = (properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const role = template.Resources[roleLogicalId]?.Properties ?? {};
    if (role.ManagedPolicyArns !== undefined || role.Policies !== undefined) {
      throw new Error(`${fn}'s role has managed or inline policies, which this model does not read`);
    }
    const policies = resources
      .filter(([, resource]) => resource.Type === 'AWS::IAM::Policy')
      .filter(([, resource]) => (resource.Properties?.Roles as { Ref: string }[]).some((ref) => ref.Ref === roleLogicalId))
      .map(([name, resource]) => ({ name, document: values.resolve(resource.Properties?.PolicyDocument) as PolicyDocument }));
    const environment = values.resolve((properties.Environment as { Variables?: unknown } | undefined)?.Variables ?? {}) as Record<string, string>;

    const platformCalls: PlatformCall[] = [];
    for (const [, resource] of resources) {
      if (resource.Type !== 'AWS::Lambda::EventSourceMapping') continue;
      if ((resource.Properties?.FunctionName as { Ref?: string } | undefined)?.Ref !== logicalId) continue;
      const queueArn = values.text(resource.Properties?.EventSourceArn);
      // Lambda's SQS poller reads and deletes with the function's role (Lambda developer guide,
      // "Using Lambda with Amazon SQS": execution role permissions).
      for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes']) {
        platformCalls.push({ action, arn: queueArn, reason: 'Lambda polls the SQS event source with the function role' });
      }
    }
    const logGroup = (properties.LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup;
    if (logGroup !== undefined) {
      const logGroupId = (logGroup as { Ref: string }).Ref;
      const logGroupArn = values.getAtt(logGroupId, 'Arn');
      for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) {
        platformCalls.push({ action, arn: logGroupArn, reason: 'Lambda delivers the function logs with its role' });
      }
    }
    if ((properties.TracingConfig as { Mode?: string } | undefined)?.Mode === 'Active') {
      for (const action of ['xray:PutTraceSegments', 'xray:PutTelemetryRecords']) {
        platformCalls.push({ action, arn: '*', reason: 'Lambda sends active tracing segments with the function role' });
      }
    }
    models[fn] = {
      fn,
      logicalId,
      roleArn: values.getAtt(roleLogicalId, 'Arn'),
      handler: properties.Handler as string,
      runtime: properties.Runtime as string,
      timeoutSeconds: Number(properties.Timeout ?? 3),
      memorySize: Number(properties.MemorySize ?? 128),
      assetHash: String((properties.Code as { S3Key?: unknown } | undefined)?.S3Key ?? '').replace(/\.zip$/, ''),
      environment,
      policies,
      platformCalls,
    };
  }
  return models;
}

/**
 * Calls that a recorded call implies: publishing to a topic encrypted with a customer managed
 * key makes SNS use the key with the publisher's permissions (SNS developer guide, "Encryption
 * at rest": publishers need kms:GenerateDataKey* and kms:Decrypt on the key).
 */
export function impliedCalls(template: CfnTemplate, topicArn: string): PlatformCall[] {
  const values = new TemplateValues(template);
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::SNS::Topic' || values.ref(logicalId) !== topicArn) continue;
    const key = resource.Properties?.KmsMasterKeyId;
    if (key === undefined) return [];
    const keyArn = values.text(key);
    return ['kms:GenerateDataKey', 'kms:Decrypt'].map((action) => ({
      action,
      arn: keyArn,
      reason: 'SNS uses the topic key with the publisher permissions',
    }));
  }
  return [];
}

/**
 * Calls that a DynamoDB call implies on a table encrypted with a customer managed key:
 * DynamoDB decrypts the table key with the caller's permissions when it first uses the table
 * (AWS KMS developer guide, "How Amazon DynamoDB uses AWS KMS": table keys and their caching).
 * `arn` is the table's or one of its indexes'.
 */
export function impliedTableKeyCalls(template: CfnTemplate, arn: string): PlatformCall[] {
  const values = new TemplateValues(template);
  const tableArn = arn.replace(/\/index\/.*$/, '');
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::DynamoDB::GlobalTable' || values.getAtt(logicalId, 'Arn') !== tableArn) continue;
    const replicas = (resource.Properties?.Replicas ?? []) as { SSESpecification?: { KMSMasterKeyId?: unknown } }[];
    const key = replicas[0]?.SSESpecification?.KMSMasterKeyId;
    if (key === undefined) return [];
    return [{ action: 'kms:Decrypt', arn: values.text(key), reason: 'DynamoDB decrypts the table key with the caller permissions' }];
  }
  return [];
}

/** The key policies of the template's KMS keys, by key ARN: what IAM evaluates with a key's use. */
export function keyPoliciesOf(template: CfnTemplate): (arn: string) => PolicyDocument | undefined {
  const values = new TemplateValues(template);
  const policies = new Map<string, PolicyDocument>();
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::KMS::Key') continue;
    policies.set(values.getAtt(logicalId, 'Arn'), values.resolve(resource.Properties?.KeyPolicy) as PolicyDocument);
  }
  return (arn) => policies.get(arn);
}
