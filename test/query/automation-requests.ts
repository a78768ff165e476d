import {
  DescribeAutomationExecutionsCommand,
  DescribeAutomationStepExecutionsCommand,
  type DescribeAutomationExecutionsCommandInput,
  type DescribeAutomationStepExecutionsCommandInput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import type { AutomationFixture } from './automation-fixture';

/** The Automation requests the round-trip and no-scan suites make, and paging through their answers. */
export type Page = { items: unknown[]; more: boolean };

export async function executionPages(target: SSMClient, input: DescribeAutomationExecutionsCommandInput): Promise<Page[]> {
  const pages: Page[] = [];
  let token: string | undefined;
  do {
    const out = await target.send(new DescribeAutomationExecutionsCommand({ ...input, ...(token !== undefined ? { NextToken: token } : {}) }));
    token = out.NextToken;
    pages.push({ items: out.AutomationExecutionMetadataList ?? [], more: token !== undefined });
  } while (token !== undefined && pages.length < 100);
  return pages;
}

export async function stepPages(target: SSMClient, input: DescribeAutomationStepExecutionsCommandInput): Promise<Page[]> {
  const pages: Page[] = [];
  let token: string | undefined;
  do {
    const out = await target.send(new DescribeAutomationStepExecutionsCommand({ ...input, ...(token !== undefined ? { NextToken: token } : {}) }));
    token = out.NextToken;
    pages.push({ items: out.StepExecutions ?? [], more: token !== undefined });
  } while (token !== undefined && pages.length < 200);
  return pages;
}

export const count = (pages: Page[]): number => pages.reduce((sum, page) => sum + page.items.length, 0);

export function executionRequests(fx: AutomationFixture): [string, DescribeAutomationExecutionsCommandInput][] {
  return [
    ['all', {}],
    ['all, 1 a page', { MaxResults: 1 }],
    ['all, 2 a page', { MaxResults: 2 }],
    ['ExecutionId', { Filters: [{ Key: 'ExecutionId', Values: [fx.child, fx.tiedB, fx.tiedA] }], MaxResults: 1 }],
    ['ExecutionId unknown', { Filters: [{ Key: 'ExecutionId', Values: ['00000000-0000-4000-8000-000000000000'] }] }],
    ['ExecutionStatus Failed', { Filters: [{ Key: 'ExecutionStatus', Values: ['Failed'] }] }],
    ['ExecutionStatus Success, 2 a page', { Filters: [{ Key: 'ExecutionStatus', Values: ['Success'] }], MaxResults: 2 }],
    ['StartTimeAfter 2024', { Filters: [{ Key: 'StartTimeAfter', Values: ['2024-01-01T00:00:00Z'] }], MaxResults: 2 }],
    ['StartTimeBefore 2024', { Filters: [{ Key: 'StartTimeBefore', Values: ['2024-01-01T00:00:00Z'] }] }],
    ['StartTimeAfter and Before', { Filters: [{ Key: 'StartTimeAfter', Values: ['2023-12-31T22:01:00Z'] }, { Key: 'StartTimeBefore', Values: ['2024-03-05T10:00:30Z'] }] }],
    ['StartTimeAfter, exact (inclusive)', { Filters: [{ Key: 'StartTimeAfter', Values: ['2024-03-05T10:00:00.000Z'] }] }],
    ['StartTimeBefore, exact (exclusive)', { Filters: [{ Key: 'StartTimeBefore', Values: ['2024-03-05T10:00:00.000Z'] }] }],
    ['ParentExecutionId', { Filters: [{ Key: 'ParentExecutionId', Values: [fx.parent] }] }],
    ['DocumentNamePrefix', { Filters: [{ Key: 'DocumentNamePrefix', Values: ['Ops-', 'AWS-Restart'] }] }],
    ['AutomationType CrossAccount', { Filters: [{ Key: 'AutomationType', Values: ['CrossAccount'] }] }],
    ['CurrentAction', { Filters: [{ Key: 'CurrentAction', Values: ['aws:runCommand'] }] }],
    ['Status and prefix', { Filters: [{ Key: 'ExecutionStatus', Values: ['Success', 'Failed'] }, { Key: 'DocumentNamePrefix', Values: ['AWS-'] }], MaxResults: 1 }],
  ];
}

export function stepRequests(fx: AutomationFixture): [string, DescribeAutomationStepExecutionsCommandInput][] {
  return [
    ['long', { AutomationExecutionId: fx.long }],
    ['long, 7 a page', { AutomationExecutionId: fx.long, MaxResults: 7 }],
    ['long, reversed, 50 a page', { AutomationExecutionId: fx.long, ReverseOrder: true }],
    ['long, reversed, 9 a page', { AutomationExecutionId: fx.long, ReverseOrder: true, MaxResults: 9 }],
    ['failed', { AutomationExecutionId: fx.failed }],
    ['failed, reversed', { AutomationExecutionId: fx.failed, ReverseOrder: true }],
    ['failed, reversed, 2 a page', { AutomationExecutionId: fx.failed, ReverseOrder: true, MaxResults: 2 }],
    ['failed, StepExecutionStatus failed', { AutomationExecutionId: fx.failed, Filters: [{ Key: 'StepExecutionStatus', Values: ['failed'] }] }],
    ['failed, StepExecutionStatus Pending, 1 a page', { AutomationExecutionId: fx.failed, Filters: [{ Key: 'StepExecutionStatus', Values: ['Pending'] }], MaxResults: 1 }],
    ['long, StepName', { AutomationExecutionId: fx.long, Filters: [{ Key: 'StepName', Values: ['step3', 'step100', 'step7'] }], MaxResults: 2 }],
    ['long, Action', { AutomationExecutionId: fx.long, Filters: [{ Key: 'Action', Values: ['aws:sleep'] }], MaxResults: 10 }],
    ['long, StartTimeAfter/Before', {
      AutomationExecutionId: fx.long,
      Filters: [{ Key: 'StartTimeAfter', Values: ['2024-01-01T01:00:10Z'] }, { Key: 'StartTimeBefore', Values: ['2024-01-01T01:00:30Z'] }],
    }],
    ['cross-account, reversed', { AutomationExecutionId: fx.crossAccount, ReverseOrder: true, MaxResults: 2 }],
  ];
}

