import {
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  type CommandFilter,
  type CommandFilterKey,
  type ListCommandInvocationsCommandInput,
  type ListCommandsCommandInput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { SHARED_NODE, TIED_NODE, type ArchiveFixture } from './archive-fixture';

/**
 * The SSM requests the archive must answer page for page as SSM (the simulator) does: every
 * documented filter of both listings, by CommandId, by InstanceId, both, and neither.
 */
export const filter = (key: string, value: string): CommandFilter => ({ key: key as CommandFilterKey, value });

export const UNKNOWN_COMMAND = 'ffffffff-ffff-4fff-8fff-ffffffffffff';

const COMMAND_STATUSES = [
  'Pending', 'InProgress', 'Success', 'Cancelled', 'Failed', 'TimedOut', 'AccessDenied',
  'DeliveryTimedOut', 'ExecutionTimedOut', 'Incomplete', 'NoInstancesInTag', 'LimitExceeded',
];
const INVOCATION_STATUSES = [
  'Pending', 'InProgress', 'Delayed', 'Success', 'Cancelled', 'Failed', 'TimedOut', 'AccessDenied',
  'DeliveryTimedOut', 'ExecutionTimedOut', 'Undeliverable', 'InvalidPlatform', 'Terminated',
];

export function listCommandsRequests(fx: ArchiveFixture): [string, ListCommandsCommandInput][] {
  return [
    ['all', {}],
    ['all, 1 a page', { MaxResults: 1 }],
    ['all, 2 a page', { MaxResults: 2 }],
    ['by CommandId', { CommandId: fx.twoStep }],
    ['by CommandId and InstanceId', { CommandId: fx.fleet, InstanceId: SHARED_NODE }],
    ['by CommandId and a node it did not run on', { CommandId: fx.mixed, InstanceId: TIED_NODE }],
    ['by InstanceId, 1 a page', { InstanceId: SHARED_NODE, MaxResults: 1 }],
    ['by InstanceId, tied commands', { InstanceId: TIED_NODE }],
    ['by an unknown InstanceId', { InstanceId: 'i-0123456789abcdef0' }],
    ['InvokedAfter (inclusive)', { Filters: [filter('InvokedAfter', '2023-01-01T00:30:00Z')], MaxResults: 1 }],
    ['InvokedBefore (exclusive)', { Filters: [filter('InvokedBefore', '2023-01-01T00:30:00.000Z')] }],
    ['InvokedBefore a date', { Filters: [filter('InvokedBefore', '2024-01-01')] }],
    ['both times', { Filters: [filter('InvokedAfter', '2022-06-01T00:00:00+02:00'), filter('InvokedBefore', '2024-06-03T09:05:00Z')] }],
    ['empty time window', { Filters: [filter('InvokedAfter', '2024-01-01'), filter('InvokedBefore', '2023-01-01')] }],
    ...COMMAND_STATUSES.map((status): [string, ListCommandsCommandInput] => [`Status ${status}`, { Filters: [filter('Status', status)], MaxResults: 1 }]),
    ['DocumentName', { Filters: [filter('DocumentName', 'AWS-RunShellScript')] }],
    ['ExecutionStage Complete', { Filters: [filter('ExecutionStage', 'Complete')], MaxResults: 2 }],
    ['ExecutionStage Executing', { Filters: [filter('ExecutionStage', 'Executing')] }],
    ['Status and time', { Filters: [filter('Status', 'Failed'), filter('InvokedAfter', '2023-01-01')], MaxResults: 1 }],
    ['by InstanceId with Status', { InstanceId: SHARED_NODE, Filters: [filter('Status', 'Failed')] }],
    ['by InstanceId with DocumentName and time', { InstanceId: SHARED_NODE, Filters: [filter('DocumentName', 'AWS-RunShellScript'), filter('InvokedAfter', '2023-01-01')] }],
    ['by CommandId with a filter that excludes it', { CommandId: fx.mixed, Filters: [filter('Status', 'Success')] }],
  ];
}

export function listInvocationsRequests(fx: ArchiveFixture): [string, ListCommandInvocationsCommandInput][] {
  const requests: [string, ListCommandInvocationsCommandInput][] = [
    ['all', {}],
    ['all, 7 a page', { MaxResults: 7 }],
    ['by CommandId (320 invocations)', { CommandId: fx.fleet }],
    ['by CommandId, 1 a page', { CommandId: fx.twoStep, MaxResults: 1 }],
    ['by an unknown CommandId', { CommandId: UNKNOWN_COMMAND }],
    ['by InstanceId, 2 a page', { InstanceId: SHARED_NODE, MaxResults: 2 }],
    ['by InstanceId, tied commands', { InstanceId: TIED_NODE }],
    ['by CommandId and InstanceId', { CommandId: fx.mixed, InstanceId: SHARED_NODE }],
    ['by CommandId and a node it did not run on', { CommandId: fx.mixed, InstanceId: TIED_NODE }],
    ...INVOCATION_STATUSES.map((status): [string, ListCommandInvocationsCommandInput] => [`Status ${status}`, { Filters: [filter('Status', status)], MaxResults: 20 }]),
    ['Status by CommandId', { CommandId: fx.fleet, Filters: [filter('Status', 'TimedOut')], MaxResults: 5 }],
    ['Status by InstanceId', { InstanceId: SHARED_NODE, Filters: [filter('Status', 'Failed')] }],
    ['DocumentName', { Filters: [filter('DocumentName', 'Custom-TwoStep')] }],
    ['DocumentName by InstanceId', { InstanceId: SHARED_NODE, Filters: [filter('DocumentName', 'AWS-RunShellScript')] }],
    ['InvokedAfter', { Filters: [filter('InvokedAfter', '2024-06-03T09:10:00.000Z')], MaxResults: 15 }],
    ['InvokedBefore', { Filters: [filter('InvokedBefore', '2024-06-03')] }],
    ['times by CommandId', { CommandId: fx.mixed, Filters: [filter('InvokedBefore', '2022-12-31T23:00:00.001Z')] }],
    ['times excluding the command', { CommandId: fx.mixed, Filters: [filter('InvokedAfter', '2023-01-01')] }],
    ['times by InstanceId', { InstanceId: SHARED_NODE, Filters: [filter('InvokedAfter', '2023-01-01'), filter('InvokedBefore', '2024-06-03T09:05:00Z')] }],
    ['Status, DocumentName and time', { Filters: [filter('Status', 'Success'), filter('DocumentName', 'AWS-RunShellScript'), filter('InvokedAfter', '2024-01-01')] }],
  ];
  return requests.flatMap(([name, input]): [string, ListCommandInvocationsCommandInput][] => [
    [`${name}, Details`, { ...input, Details: true }],
    [`${name}, no Details`, input],
  ]);
}

/** One page as a script sees it: the records, and whether a NextToken came with them. */
export interface ListedPage {
  readonly items: unknown[];
  readonly more: boolean;
}

/** Every page of a listing, following NextToken. */
export async function commandPages(client: SSMClient, input: ListCommandsCommandInput): Promise<ListedPage[]> {
  const pages: ListedPage[] = [];
  let token: string | undefined;
  do {
    const output = await client.send(new ListCommandsCommand({ ...input, ...(token !== undefined ? { NextToken: token } : {}) }));
    pages.push({ items: output.Commands ?? [], more: output.NextToken !== undefined });
    token = output.NextToken;
  } while (token !== undefined && pages.length < 500);
  return pages;
}

export async function invocationPages(client: SSMClient, input: ListCommandInvocationsCommandInput): Promise<ListedPage[]> {
  const pages: ListedPage[] = [];
  let token: string | undefined;
  do {
    const output = await client.send(new ListCommandInvocationsCommand({ ...input, ...(token !== undefined ? { NextToken: token } : {}) }));
    pages.push({ items: output.CommandInvocations ?? [], more: output.NextToken !== undefined });
    token = output.NextToken;
  } while (token !== undefined && pages.length < 500);
  return pages;
}
