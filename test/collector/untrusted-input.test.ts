import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import automationSample from '../fixtures/aws/automation-execution-status-change.json';
import associationSample from '../fixtures/aws/association-state-change.json';
import windowSample from '../fixtures/aws/maintenance-window-execution-state-change.json';
import { Collector } from '../../lambdas/collector/collector';
import { historySources } from '../../lambdas/sources';
import { RecordStore } from '../../lambdas/store/record-store';
import { startDynalite, type TestDatabase } from '../support/databases';
import { queueMessage } from '../support/messages';
import { invocationEvent, TRUTH_COMMAND_ID } from '../support/run-command-truth';
import { spyLog } from '../support/silent-log';
import { tableSchemas } from '../../lambdas/sources/tables';

/**
 * Input the collector must refuse, class by class: each such message fails alone,
 * with a reason that names the field and what SSM's form is, and the rest of its batch is stored.
 */
const NOW = new Date('2026-11-20T10:05:00.000Z');
const silent = spyLog();

type Event = { detail: Record<string, unknown> } & Record<string, unknown>;
const withDetail = (event: object, patch: Record<string, unknown>): Event => {
  const original = event as Event;
  return { ...original, detail: { ...original.detail, ...patch } };
};
const genuine = (instanceId: string): object => invocationEvent(instanceId, 'InProgress', '2026-11-20T10:00:02Z');

const refused: readonly [string, object, RegExp][] = [
  ['an instance id that is a path', withDetail(genuine('i-0000000000000000a'), { 'instance-id': '../../etc/passwd' }), /"instance-id" is not a managed node id \(i- or mi- form\): "\.\.\/\.\.\/etc\/passwd"/],
  ['a 200 KB instance id', withDetail(genuine('i-0000000000000000a'), { 'instance-id': `i-${'a'.repeat(200_000)}` }), /"instance-id" is not a managed node id \(i- or mi- form\): "i-a{78}…"$/],
  ['a status SSM does not have', withDetail(genuine('i-0000000000000000a'), { status: 'Hacked' }), /"status" is not a Run Command status: "Hacked"/],
  ['a command id of 18 emoji', withDetail(genuine('i-0000000000000000a'), { 'command-id': '😀'.repeat(18) }), /"command-id" is not a command id \(a UUID\)/],
  ['a time in year 275760', { ...genuine('i-0000000000000000a'), time: '+275760-09-13T00:00:00.000Z' }, /"time" is not a time \(an ISO 8601 time from 2010 to 2100\)/],
  ['an automation execution id that is not one', withDetail(automationSample, { ExecutionId: 'x'.repeat(36) }), /"ExecutionId" is not an automation execution id/],
  ['an automation status SSM does not have', withDetail(automationSample, { Status: 'Hacked' }), /"Status" is not an Automation status: "Hacked"/],
  ['an association status SSM does not have', withDetail(associationSample, { status: 'Hacked' }), /"status" is not a State Manager status: "Hacked"/],
  ['a window id that is not one', withDetail(windowSample, { 'window-id': 'mw-../../x' }), /"window-id" is not a maintenance window id/],
  [
    'a work item naming 5,000 children',
    {
      ssmHistory: 'work-item',
      version: 1,
      kind: 'run-command',
      parentId: TRUTH_COMMAND_ID,
      producer: 'poll',
      sentAt: '2026-11-20T10:00:00.000Z',
      fetch: { scope: 'children', childIds: Array.from({ length: 5_000 }, (_, i) => `i-${i.toString(16).padStart(17, '0')}`) },
    },
    /names 5000 children, more than 1000/,
  ],
];

describe('untrusted input', () => {
  let database: TestDatabase;
  let store: RecordStore;
  const ssm = mockClient(SSMClient);

  beforeAll(async () => {
    database = await startDynalite();
    store = new RecordStore(database.doc, tableSchemas, await database.tables(), () => NOW);
  });
  afterAll(async () => {
    await database.stop();
  });

  it.each(refused)('refuses %s with its reason, and stores the rest of the batch', async (_case, bad, reason) => {
    ssm.reset();
    const collector = new Collector({
      sources: historySources,
      clients: { ssm: new SSMClient({ region: 'us-east-1' }) },
      store,
      logger: silent,
      parentConcurrency: 2,
      now: () => NOW,
    });
    const good = ['i-00000000000000001', 'i-00000000000000002'];
    const badMessage = { ...queueMessage(bad), id: 'bad' };
    const result = await collector.collect([queueMessage(genuine(good[0] as string)), badMessage, queueMessage(genuine(good[1] as string))]);
    expect(result.failedMessageIds).toEqual(['bad']);
    expect(result.failureReasons.get('bad')).toMatch(reason);
    // Refused before any SSM call: a forged work item costs nothing.
    expect(ssm.calls()).toHaveLength(0);
    for (const instanceId of good) {
      expect(await store.get('commandInvocations', { CommandId: TRUTH_COMMAND_ID, InstanceId: instanceId })).toMatchObject({ Status: 'InProgress' });
    }
  });
});
