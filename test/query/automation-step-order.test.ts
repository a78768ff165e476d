import { DescribeAutomationStepExecutionsCommand, SSMClient, type DescribeAutomationStepExecutionsCommandInput, type StepExecution } from '@aws-sdk/client-ssm';
import { serveApi, type ServedApi } from '../../lambdas/query/node-http';
import { createQueryApi } from '../../lambdas/query/router';
import { automationExecutionObservation, automationStepObservation, LISTED_POSITION } from '../../lambdas/sources/automation/records';
import { inStepOrder } from '../../lambdas/sources/automation/ssm-operations';
import { tableSchemas, type TableNames } from '../../lambdas/sources/tables';
import { RecordStore } from '../../lambdas/store/record-store';
import { startDynalite, type TestDatabase } from '../support/databases';

/**
 * DescribeAutomationStepExecutions answers an execution's steps in SSM's own listing order,
 * forward and, with ReverseOrder, reversed (its API reference: "ReverseOrder: Indicates
 * whether to list step executions in reverse order by start time"). Steps that never ran
 * carry nothing to order them by: "If the step is in Pending status, this field
 * [ExecutionStartTime] isn't populated" (SSM API Reference, StepExecution), and their NextStep
 * may be absent; their StepExecutionIds are random. The collector keeps where SSM listed each
 * step (listedPosition), and the archive answers in that order.
 *
 * The fixture: a runbook of five steps that failed at its second; the last three never ran,
 * and their ids sort in another order than SSM listed them.
 */
const EXECUTION = '5b4d4d34-4b0d-4d8e-9a36-0123456789ab';
const LEGACY = '5b4d4d34-4b0d-4d8e-9a36-0123456789ac';
const STARTED = new Date('2026-11-20T10:00:00.000Z');

/** As SSM lists them: step1 ran, step2 failed, step3..step5 never ran. */
const listed: readonly StepExecution[] = [
  { StepName: 'step1', Action: 'aws:executeScript', StepExecutionId: 'c0000000-0000-4000-8000-000000000001', StepStatus: 'Success', ExecutionStartTime: STARTED, ExecutionEndTime: new Date(STARTED.getTime() + 2000), NextStep: 'step2' },
  { StepName: 'step2', Action: 'aws:runCommand', StepExecutionId: 'a0000000-0000-4000-8000-000000000002', StepStatus: 'Failed', ExecutionStartTime: new Date(STARTED.getTime() + 2000), ExecutionEndTime: new Date(STARTED.getTime() + 4000) },
  { StepName: 'step3', Action: 'aws:sleep', StepExecutionId: 'f0000000-0000-4000-8000-000000000003', StepStatus: 'Pending' },
  { StepName: 'step4', Action: 'aws:executeAwsApi', StepExecutionId: '00000000-0000-4000-8000-000000000004', StepStatus: 'Pending' },
  { StepName: 'step5', Action: 'aws:executeScript', StepExecutionId: '80000000-0000-4000-8000-000000000005', StepStatus: 'Pending' },
];
const names = (steps: readonly StepExecution[] | undefined): string[] => (steps ?? []).map((step) => step.StepName ?? '');
const inSsmOrder = names(listed);

function client(endpoint: string): SSMClient {
  return new SSMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
}

describe("DescribeAutomationStepExecutions' order from the archive", () => {
  let database: TestDatabase;
  let tables: TableNames;
  let store: RecordStore;
  let served: ServedApi;
  let archive: SSMClient;

  const context = (at: string) => ({ observedAt: new Date(at), producers: new Set(['poll'] as const) });

  beforeAll(async () => {
    database = await startDynalite();
    tables = await database.tables('steps');
    store = new RecordStore(database.doc, tableSchemas, tables);
    for (const id of [EXECUTION, LEGACY]) {
      await store.upsert(
        automationExecutionObservation(
          { AutomationExecutionId: id, DocumentName: 'Ops-Runbook', AutomationExecutionStatus: 'Failed', ExecutionStartTime: STARTED, ExecutionEndTime: new Date(STARTED.getTime() + 4000) },
          context('2026-11-20T10:01:00.000Z'),
        ),
      );
    }
    // As the collector reads all of an execution's steps: each where SSM listed it.
    for (const [position, step] of listed.entries()) await store.upsert(automationStepObservation(EXECUTION, step, context('2026-11-20T10:01:00.000Z'), position));
    // Stored before the archive kept positions: none.
    for (const step of listed) await store.upsert(automationStepObservation(LEGACY, step, context('2026-11-20T10:01:00.000Z')));
    // A later read of one step alone (a StepName filter: no position) keeps its stored position.
    await store.upsert(automationStepObservation(EXECUTION, listed[3] as StepExecution, context('2026-11-20T10:02:00.000Z')));
    served = await serveApi(createQueryApi({ db: database.doc, tableNames: tables, pageTokenKey: 'steps', now: () => new Date('2026-11-21T00:00:00.000Z') }));
    archive = client(served.url);
  });
  afterAll(async () => {
    archive.destroy();
    await served.close();
    await database.stop();
  });

  /** Every step a listing gives, page after page. */
  async function listing(input: DescribeAutomationStepExecutionsCommandInput): Promise<{ steps: StepExecution[]; pages: number }> {
    const steps: StepExecution[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await archive.send(new DescribeAutomationStepExecutionsCommand({ ...input, ...(token !== undefined ? { NextToken: token } : {}) }));
      steps.push(...(page.StepExecutions ?? []));
      token = page.NextToken;
      pages++;
    } while (token !== undefined && pages < 20);
    return { steps, pages };
  }

  it('answers the steps in the order SSM listed them, steps that never ran included, and reversed with ReverseOrder', async () => {
    expect(names((await listing({ AutomationExecutionId: EXECUTION })).steps)).toEqual(inSsmOrder);
    expect(names((await listing({ AutomationExecutionId: EXECUTION, ReverseOrder: true })).steps)).toEqual([...inSsmOrder].reverse());
  });

  it('pages and filters in that order', async () => {
    expect(await listing({ AutomationExecutionId: EXECUTION, MaxResults: 2 })).toEqual({ steps: (await listing({ AutomationExecutionId: EXECUTION })).steps, pages: 3 });
    expect(names((await listing({ AutomationExecutionId: EXECUTION, ReverseOrder: true, MaxResults: 2 })).steps)).toEqual([...inSsmOrder].reverse());
    const pending = { AutomationExecutionId: EXECUTION, Filters: [{ Key: 'StepExecutionStatus' as const, Values: ['Pending'] }], MaxResults: 1 };
    expect(names((await listing(pending)).steps)).toEqual(['step3', 'step4', 'step5']);
    expect(names((await listing({ ...pending, ReverseOrder: true })).steps)).toEqual(['step5', 'step4', 'step3']);
  });

  it('answers SSM fields only: the position is the archive’s own attribute', async () => {
    const response = await fetch(served.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.DescribeAutomationStepExecutions' },
      body: JSON.stringify({ AutomationExecutionId: EXECUTION }),
    });
    const body = await response.text();
    expect(response.status).toBe(200);
    expect(body).toContain('"StepName":"step3"');
    expect(body).not.toContain(LISTED_POSITION);
  });

  it('falls back to the order rebuilt from the records for steps stored without a position', async () => {
    // NextStep chains step1 to step2; the steps that never ran follow by StepExecutionId.
    expect(names((await listing({ AutomationExecutionId: LEGACY })).steps)).toEqual(['step1', 'step2', 'step4', 'step5', 'step3']);
    expect(names((await listing({ AutomationExecutionId: LEGACY, ReverseOrder: true })).steps)).toEqual(['step3', 'step5', 'step4', 'step2', 'step1']);
  });

  it('orders by position alone only when every step has one', () => {
    const item = (name: string, id: string, position?: number) => ({ StepName: name, StepExecutionId: id, ...(position !== undefined ? { [LISTED_POSITION]: position } : {}) });
    const positioned = [item('b', '1', 1), item('c', '0', 2), item('a', '2', 0)];
    expect(inStepOrder(positioned).map((step) => step['StepName'])).toEqual(['a', 'b', 'c']);
    expect(inStepOrder([...positioned, item('d', '3')]).map((step) => step['StepName'])).toEqual(['c', 'b', 'a', 'd']);
  });
});
