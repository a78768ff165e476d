import { Aws, Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_SERVICE_NAME } from '../lambdas/operational-metrics';
import { lambdaBundling } from './lambda-bundling';

export interface ArchiveFunctionProps {
  /** The handler's TypeScript source; its `handler` export is invoked. */
  readonly entry: string;
  readonly description: string;
  /**
   * Longest single invocation. Queues feeding the function derive their visibility timeout
   * from it, so change it through the construct that owns both.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Memory, and with it CPU share. 512 MB keeps JSON parsing and the SDK's init quick
   * without paying for idle memory (the functions are I/O bound on SSM and DynamoDB).
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * How long the function's CloudWatch log group keeps its logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Lowest application log level that reaches CloudWatch (Lambda's advanced logging
   * controls; Powertools Logger honours it).
   * @default lambda.ApplicationLogLevel.INFO
   */
  readonly logLevel?: lambda.ApplicationLogLevel;
  /**
   * Powertools' service name, shared by the logs and metrics of all of the app's functions.
   * @default DEFAULT_SERVICE_NAME ('ssm-history'): the `service` dimension the alarms and dashboard read
   */
  readonly serviceName?: string;
  /**
   * Extra environment. Table names are better set with `HistoryTables.bindWriter()`, which
   * grants access at the same time.
   * @default - only the Powertools variables
   */
  readonly environment?: Record<string, string>;
  /**
   * The role's name, for a role that principals in other accounts name in their policies
   * (the member read roles trust the collector and the poller by name).
   * @default - a name CloudFormation generates
   */
  readonly roleName?: string;
}

/**
 * A Node.js Lambda function with the app's shared defaults, set once here:
 * - runtime nodejs24.x (the newest this aws-cdk-lib knows, as cdk-nag AwsSolutions-L1 wants);
 * - arm64 (cheaper per GB-second for Node, no native modules to rebuild);
 * - X-Ray tracing ACTIVE, JSON log format, an explicit log group with retention;
 * - bundled locally by esbuild with `lambdaBundling` (ESM, minified, SDK bundled, no
 *   source maps, no Docker);
 * - HOME_ACCOUNT, the stack's account, which every handler's configuration requires;
 * - its own role, holding only what callers grant: log writes to its own log group and
 *   X-Ray (no AWSLambdaBasicExecutionRole, which would allow writing to any log group).
 */
export class ArchiveFunction extends Construct {
  public readonly function: nodejs.NodejsFunction;
  /** The handler source its bundle is built from. */
  public readonly entry: string;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ArchiveFunctionProps) {
    super(scope, id);
    this.entry = props.entry;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });

    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs: ${props.description}`,
    });
    // The function's log group already exists, so it needs no logs:CreateLogGroup.
    this.logGroup.grantWrite(this.role);

    const logLevel = props.logLevel ?? lambda.ApplicationLogLevel.INFO;
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: logLevel,
      // INFO keeps the platform's REPORT lines (Init Duration), needed to watch cold starts.
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName ?? DEFAULT_SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: logLevel,
        // The archive's own account (the runtime's home, with AWS_REGION): what it collects with its own role.
        HOME_ACCOUNT: Aws.ACCOUNT_ID,
        ...props.environment,
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: lambdaBundling.target,
        mainFields: [...lambdaBundling.mainFields],
        minify: lambdaBundling.minify,
        sourceMap: lambdaBundling.sourcemap,
        banner: lambdaBundling.banner.js,
        externalModules: [...lambdaBundling.external],
        esbuildArgs: Object.fromEntries(Object.entries(lambdaBundling.alias).map(([from, to]) => [`--alias:${from}`, to])),
        forceDockerBundling: false,
      },
    });

    // aws-cdk-lib gives every Function an explicit DependsOn its role, which the Role GetAtt
    // already implies; cfn-lint W3005 flags that redundancy. The template is right (the order
    // is the same either way) and the DependsOn is not ours to remove, so W3005 is ignored on
    // this resource only.
    (this.function.node.defaultChild as lambda.CfnFunction).addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });

    // Tracing ACTIVE adds xray:PutTraceSegments and xray:PutTelemetryRecords on "*" to the
    // role's default policy; the policy exists once the function is built.
    const defaultPolicy = this.role.node.tryFindChild('DefaultPolicy');
    if (defaultPolicy) {
      Validations.of(defaultPolicy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Only X-Ray puts Resource "*" here: xray:PutTraceSegments and xray:PutTelemetryRecords ' +
          'support no resource types (Service Authorization Reference, AWS X-Ray), so they cannot ' +
          'be scoped. Every other statement of this policy names its resource ARN.',
      });
    }
  }
}
