import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { TableRead } from '../lambdas/core/table-schema';
import { EXPIRES_AT, projectionOf, type KeyAttribute, type TableSchema } from '../lambdas/core/table-schema';
import { tableIds, tableSchemas, type ArchiveTableId as TableId } from '../lambdas/sources/tables';

const attributeTypes: Record<KeyAttribute['type'], dynamodb.AttributeType> = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
};

const keyOf = (attribute: KeyAttribute): dynamodb.Attribute => ({
  name: attribute.name,
  type: attributeTypes[attribute.type],
});

/**
 * The one DynamoDB action a history writer needs: every write is a single conditional
 * UpdateItem (the conditional upsert), never a read-then-write, a Put or a Delete.
 */
const writerActions = ['dynamodb:UpdateItem'];

export interface HistoryTablesProps {
  /**
   * A customer managed key for every table, instead of the AWS owned key: the account then
   * controls, audits (CloudTrail) and can revoke use of the history, command output included.
   * @default - the AWS owned key
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * Encrypts a table with a customer managed key. TableV2's own option renders the key per
 * replica Region, which a Region-agnostic stack does not know, so the template's properties
 * are set directly: KMS at the table level, the key on its one replica (CloudFormation,
 * AWS::DynamoDB::GlobalTable SSESpecification and ReplicaSSESpecification; no interruption).
 */
function useKey(table: dynamodb.TableV2, key: kms.IKey): void {
  const resource = table.node.defaultChild as dynamodb.CfnGlobalTable;
  resource.addPropertyOverride('SSESpecification', { SSEEnabled: true, SSEType: 'KMS' });
  resource.addPropertyOverride('Replicas.0.SSESpecification', { KMSMasterKeyId: key.keyArn });
}

/**
 * The archive's tables, one per entry of `tableSchemas` (the definition local mode uses too).
 *
 * Each table's construct id is its schema's `logicalName`, so its CloudFormation logical ID
 * only changes if the construct tree above it does: a changed logical ID would make
 * CloudFormation create a new, empty table and orphan the old one (RETAIN).
 */
export class HistoryTables extends Construct {
  public readonly tables: Readonly<Record<TableId, dynamodb.ITableV2>>;
  private readonly encryptionKey?: kms.IKey;
  private readonly keyUsers = new Set<lambda.Function>();

  constructor(scope: Construct, id: string, props: HistoryTablesProps = {}) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    const tables = {} as Record<TableId, dynamodb.ITableV2>;
    for (const tableId of tableIds) {
      const schema: TableSchema = tableSchemas[tableId];
      tables[tableId] = new dynamodb.TableV2(this, schema.logicalName, {
        partitionKey: keyOf(schema.partitionKey),
        ...(schema.sortKey ? { sortKey: keyOf(schema.sortKey) } : {}),
        globalSecondaryIndexes: (schema.indexes ?? []).map((index) => ({
          indexName: index.name,
          partitionKey: keyOf(index.partitionKey),
          ...(index.sortKey ? { sortKey: keyOf(index.sortKey) } : {}),
          ...projectionProps(projectionOf(index)),
        })),
        // Always on, and free: only records written with a retention carry the attribute.
        ...(schema.recordTime !== undefined ? { timeToLiveAttribute: EXPIRES_AT } : {}),
        billing: dynamodb.Billing.onDemand(),
        // History is the product: it outlives the stack and survives a mistaken delete.
        removalPolicy: RemovalPolicy.RETAIN,
        deletionProtection: true,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        // At rest always; an AWS-owned key costs nothing and needs no key policy.
        encryption: dynamodb.TableEncryptionV2.dynamoOwnedKey(),
      });
      if (props.encryptionKey) useKey(tables[tableId] as dynamodb.TableV2, props.encryptionKey);
    }
    this.tables = tables;
  }

  /** Tells the function the table's physical name through the schema's environment variable. */
  public bindName(fn: lambda.Function, tableId: TableId): void {
    fn.addEnvironment(tableSchemas[tableId].envVar, this.tables[tableId].tableName);
  }

  /**
   * Under a customer managed key, a function that reads or writes a table needs kms:Decrypt on
   * it: DynamoDB decrypts the table key with the caller's permissions when it first uses the
   * table, then caches it (AWS KMS developer guide, "How Amazon DynamoDB uses AWS KMS": table
   * keys, table key caching). Nothing else: DynamoDB, not the function, encrypts the data.
   */
  private bindKey(fn: lambda.Function): void {
    if (this.encryptionKey === undefined || this.keyUsers.has(fn)) return;
    this.keyUsers.add(fn);
    this.encryptionKey.grantDecrypt(fn);
  }

  /**
   * Lets the function write history records to one table (dynamodb:UpdateItem on that table
   * only) and tells it the table's name, in one call.
   */
  public bindWriter(fn: lambda.Function, tableId: TableId): iam.Grant {
    this.bindName(fn, tableId);
    this.bindKey(fn);
    return iam.Grant.addToPrincipal({
      grantee: fn,
      actions: writerActions,
      resourceArns: [this.tables[tableId].tableArn],
    });
  }

  /**
   * Lets the function read items of one table by key (dynamodb:GetItem on that table only:
   * no Query, Scan or batch read) and tells it the table's name.
   */
  public bindKeyReader(fn: lambda.Function, tableId: TableId): iam.Grant {
    this.bindName(fn, tableId);
    this.bindKey(fn);
    return iam.Grant.addToPrincipal({
      grantee: fn,
      actions: ['dynamodb:GetItem'],
      resourceArns: [this.tables[tableId].tableArn],
    });
  }

  /**
   * Lets a poller keep its checkpoints (read one by key, update it: never Scan, Put or Delete)
   * and tells it the table's name.
   */
  public bindCheckpoints(fn: lambda.Function): iam.Grant {
    this.bindName(fn, 'pollCheckpoints');
    this.bindKey(fn);
    return iam.Grant.addToPrincipal({
      grantee: fn,
      actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      resourceArns: [this.tables.pollCheckpoints.tableArn],
    });
  }

  /**
   * Lets a poller keep the definitions it lists in one table (dynamodb:BatchGetItem of the
   * stored ones, to skip the unchanged, and dynamodb:UpdateItem of the changed ones, on that
   * table only) and tells it the table's name.
   */
  public bindDefinitionKeeper(fn: lambda.Function, tableId: TableId): iam.Grant {
    this.bindName(fn, tableId);
    this.bindKey(fn);
    return iam.Grant.addToPrincipal({
      grantee: fn,
      actions: ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
      resourceArns: [this.tables[tableId].tableArn],
    });
  }

  /**
   * Lets the function make these reads of one table (never Scan), and Query each of its
   * indexes by exact ARN (no index wildcard); and tells it the table's name.
   */
  public bindReader(fn: lambda.Function, tableId: TableId, reads: readonly TableRead[]): void {
    this.bindName(fn, tableId);
    this.bindKey(fn);
    const table = this.tables[tableId];
    const schema: TableSchema = tableSchemas[tableId];
    if (reads.length > 0) {
      iam.Grant.addToPrincipal({ grantee: fn, actions: reads.map((read) => `dynamodb:${read}`), resourceArns: [table.tableArn] });
    }
    // An index answers Query only: GetItem and BatchGetItem take table ARNs.
    const indexArns = (schema.indexes ?? []).map((index) => `${table.tableArn}/index/${index.name}`);
    if (indexArns.length > 0) iam.Grant.addToPrincipal({ grantee: fn, actions: ['dynamodb:Query'], resourceArns: indexArns });
  }
}

function projectionProps(projection: ReturnType<typeof projectionOf>): Pick<dynamodb.GlobalSecondaryIndexPropsV2, 'projectionType' | 'nonKeyAttributes'> {
  return projection.type === 'INCLUDE'
    ? { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...projection.nonKeyAttributes] }
    : { projectionType: projection.type === 'ALL' ? dynamodb.ProjectionType.ALL : dynamodb.ProjectionType.KEYS_ONLY };
}
