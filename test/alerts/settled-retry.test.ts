import {
  DescribeAssociationExecutionsCommand,
  DescribeAssociationExecutionTargetsCommand,
  SSMClient,
  type AssociationExecution,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import associationSample from '../fixtures/aws/association-state-change.json';
import { parseAlertConfig, type Alert } from '../../lambdas/alerts/alert';
import { FailureAlerts } from '../../lambdas/alerts/failure-alerts';
import { Collector } from '../../lambdas/collector/collector';
import { historySources } from '../../lambdas/sources';
import { RecordStore } from '../../lambdas/store/record-store';
import { startDynalite, type TestDatabase } from '../support/databases';
import { queueMessage } from '../support/messages';
import { silentLog as silent } from '../support/silent-log';
import { tableSchemas } from '../../lambdas/sources/tables';

/**
 * State Manager skips re-reading an execution it has settled (stored with all its targets).
 * A failed execution whose alert SNS refused must not count as settled: the retry has to see
 * it again to publish the alert.
 */
const ASSOCIATION_ID = associationSample.detail['association-id'];
const EXECUTION_ID = '00000001-1111-4222-8333-444455556666';
const failed: AssociationExecution = {
  AssociationId: ASSOCIATION_ID,
  AssociationVersion: '1',
  ExecutionId: EXECUTION_ID,
  Status: 'Failed',
  DetailedStatus: 'Failed',
  CreatedTime: new Date('2017-05-16T23:00:01Z'),
  ResourceCountByStatus: '{Failed=1}',
};

describe('a refused alert keeps a State Manager execution unsettled', () => {
  let database: TestDatabase;
  const ssmMock = mockClient(SSMClient);

  beforeAll(async () => {
    database = await startDynalite();
  });
  afterAll(async () => {
    ssmMock.restore();
    await database.stop();
  });

  it('publishes on the retry after SNS refused, then settles and reads no targets again', async () => {
    ssmMock.on(DescribeAssociationExecutionsCommand).resolves({ AssociationExecutions: [failed] });
    ssmMock.on(DescribeAssociationExecutionTargetsCommand).resolves({
      AssociationExecutionTargets: [
        { AssociationId: ASSOCIATION_ID, ExecutionId: failed.ExecutionId, ResourceId: 'i-12345678', ResourceType: 'ManagedInstance', Status: 'Failed' },
      ],
    });
    let now = new Date('2017-05-16T23:02:00.000Z');
    const store = new RecordStore(database.doc, tableSchemas, await database.tables(), () => now);
    const published: Alert[] = [];
    let refuse = true;
    const collector = new Collector({
      sources: historySources,
      clients: { ssm: new SSMClient({ region: 'us-east-1' }) },
      store,
      logger: silent,
      parentConcurrency: 2,
      now: () => now,
      alerts: new FailureAlerts({
        publisher: {
          publish: async (alert) => {
            if (refuse) {
              refuse = false;
              throw Object.assign(new Error('KMS key disabled'), { name: 'KMSDisabledException' });
            }
            published.push(alert);
            return { messageId: 'm-1' };
          },
        },
        claims: store,
        config: parseAlertConfig(),
        context: { region: 'us-east-1' },
        maxAgeMs: 3_600_000,
        logger: silent,
        now: () => now,
      }),
    });

    const first = await collector.collect([queueMessage(associationSample)]);
    expect(first.failedMessageIds).toHaveLength(1);
    expect(first.failureReasons.get(first.failedMessageIds[0] ?? '')).toMatch(/AlertPublishError: .*KMS key disabled/);
    expect(first.alertPublishFailures).toBe(1);
    expect(published).toEqual([]);
    expect(await store.get('associationExecutions', { AssociationId: ASSOCIATION_ID, ExecutionId: EXECUTION_ID })).toMatchObject({
      childrenComplete: true,
      alertState: 'pending',
    });

    // SQS redelivers the message.
    now = new Date('2017-05-16T23:03:00.000Z');
    const retry = await collector.collect([queueMessage(associationSample)]);
    expect(retry.failedMessageIds).toEqual([]);
    expect(published.map((alert) => [alert.body.kind, alert.body.executionId, alert.body.status])).toEqual([
      ['association-execution', failed.ExecutionId, 'Failed'],
    ]);

    // Now settled: a later event reads the listing only, and alerts nothing.
    const targetsRead = ssmMock.commandCalls(DescribeAssociationExecutionTargetsCommand).length;
    now = new Date('2017-05-16T23:04:00.000Z');
    const later = await collector.collect([queueMessage(associationSample)]);
    expect(later.failedMessageIds).toEqual([]);
    expect(ssmMock.commandCalls(DescribeAssociationExecutionTargetsCommand)).toHaveLength(targetsRead);
    expect(published).toHaveLength(1);
  });
});
