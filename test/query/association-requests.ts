import {
  DescribeAssociationExecutionsCommand,
  DescribeAssociationExecutionTargetsCommand,
  type DescribeAssociationExecutionsCommandInput,
  type DescribeAssociationExecutionTargetsCommandInput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import type { AssociationFixture } from './association-fixture';

/** The State Manager requests the round-trip and no-scan suites make, and paging through their answers. */
export type Page = { items: unknown[]; more: boolean };

export async function associationExecutionPages(target: SSMClient, input: DescribeAssociationExecutionsCommandInput): Promise<Page[]> {
  const pages: Page[] = [];
  let token: string | undefined;
  do {
    const out = await target.send(new DescribeAssociationExecutionsCommand({ ...input, ...(token !== undefined ? { NextToken: token } : {}) }));
    token = out.NextToken;
    pages.push({ items: out.AssociationExecutions ?? [], more: token !== undefined });
  } while (token !== undefined && pages.length < 100);
  return pages;
}

export async function associationTargetPages(target: SSMClient, input: DescribeAssociationExecutionTargetsCommandInput): Promise<Page[]> {
  const pages: Page[] = [];
  let token: string | undefined;
  do {
    const out = await target.send(new DescribeAssociationExecutionTargetsCommand({ ...input, ...(token !== undefined ? { NextToken: token } : {}) }));
    token = out.NextToken;
    pages.push({ items: out.AssociationExecutionTargets ?? [], more: token !== undefined });
  } while (token !== undefined && pages.length < 100);
  return pages;
}

export const count = (pages: Page[]): number => pages.reduce((sum, page) => sum + page.items.length, 0);

/** The executions of both associations as SSM lists them now (newest first): ids and CreatedTime. */
export interface KnownExecutions {
  readonly wide: readonly { readonly id: string; readonly created: Date; readonly status: string }[];
  readonly narrow: readonly { readonly id: string; readonly created: Date; readonly status: string }[];
}

export function knownExecutions(fx: AssociationFixture): KnownExecutions {
  const of = (associationId: string) =>
    (fx.sim.truth().associations ?? [])
      .find((truth) => truth.association.AssociationId === associationId)
      ?.executions.map(({ execution }) => ({ id: execution.ExecutionId ?? '', created: execution.CreatedTime ?? new Date(0), status: execution.Status ?? '' })) ?? [];
  return { wide: of(fx.wide), narrow: of(fx.narrow) };
}

export function executionRequests(fx: AssociationFixture, known: KnownExecutions): [string, DescribeAssociationExecutionsCommandInput][] {
  const [w0, w1, w2] = known.wide;
  const failedNarrow = known.narrow.find((e) => e.status === 'Failed');
  const at = (date: Date | undefined): string => date?.toISOString() ?? '';
  return [
    ['wide', { AssociationId: fx.wide }],
    ['wide, 1 a page', { AssociationId: fx.wide, MaxResults: 1 }],
    ['wide, 3 a page', { AssociationId: fx.wide, MaxResults: 3 }],
    ['narrow, 2 a page', { AssociationId: fx.narrow, MaxResults: 2 }],
    ['ExecutionId', { AssociationId: fx.wide, Filters: [{ Key: 'ExecutionId', Value: w1?.id ?? '', Type: 'EQUAL' }] }],
    ['ExecutionId of another association', { AssociationId: fx.wide, Filters: [{ Key: 'ExecutionId', Value: failedNarrow?.id ?? '', Type: 'EQUAL' }] }],
    ['ExecutionId unknown', { AssociationId: fx.wide, Filters: [{ Key: 'ExecutionId', Value: '00000000-0000-4000-8000-000000000000', Type: 'EQUAL' }] }],
    [
      'two ExecutionIds',
      {
        AssociationId: fx.wide,
        Filters: [
          { Key: 'ExecutionId', Value: w1?.id ?? '', Type: 'EQUAL' },
          { Key: 'ExecutionId', Value: w2?.id ?? '', Type: 'EQUAL' },
        ],
      },
    ],
    ['Status Failed', { AssociationId: fx.wide, Filters: [{ Key: 'Status', Value: 'Failed', Type: 'EQUAL' }] }],
    ['Status Success, 1 a page', { AssociationId: fx.wide, Filters: [{ Key: 'Status', Value: 'Success', Type: 'EQUAL' }], MaxResults: 1 }],
    ['Status Pending', { AssociationId: fx.narrow, Filters: [{ Key: 'Status', Value: 'Pending', Type: 'EQUAL' }] }],
    ['CreatedTime GREATER_THAN 2024', { AssociationId: fx.wide, Filters: [{ Key: 'CreatedTime', Value: '2024-01-01T00:00:00Z', Type: 'GREATER_THAN' }] }],
    ['CreatedTime LESS_THAN 2024', { AssociationId: fx.wide, Filters: [{ Key: 'CreatedTime', Value: '2024-01-01T00:00:00Z', Type: 'LESS_THAN' }], MaxResults: 1 }],
    ['CreatedTime EQUAL, exact', { AssociationId: fx.wide, Filters: [{ Key: 'CreatedTime', Value: at(w0?.created), Type: 'EQUAL' }] }],
    ['CreatedTime GREATER_THAN, exact (exclusive)', { AssociationId: fx.wide, Filters: [{ Key: 'CreatedTime', Value: at(w2?.created), Type: 'GREATER_THAN' }] }],
    ['CreatedTime without a zone', { AssociationId: fx.narrow, Filters: [{ Key: 'CreatedTime', Value: '2023-12-31T23:10:00', Type: 'GREATER_THAN' }] }],
    [
      'CreatedTime window and Status',
      {
        AssociationId: fx.wide,
        Filters: [
          { Key: 'CreatedTime', Value: '2023-12-31T23:15:00Z', Type: 'GREATER_THAN' },
          { Key: 'CreatedTime', Value: '2024-01-01T00:15:00Z', Type: 'LESS_THAN' },
          { Key: 'Status', Value: 'Success', Type: 'EQUAL' },
        ],
        MaxResults: 1,
      },
    ],
  ];
}

export function targetRequests(fx: AssociationFixture, known: KnownExecutions): [string, DescribeAssociationExecutionTargetsCommandInput][] {
  const failedWide = known.wide.find((e) => e.status === 'Failed')?.id ?? '';
  const firstWide = known.wide[known.wide.length - 1]?.id ?? '';
  const failedNarrow = known.narrow.find((e) => e.status === 'Failed')?.id ?? '';
  const target17 = `i-${(0x0a000000 + 17).toString(16).padStart(17, '0')}`;
  return [
    ['wide failed', { AssociationId: fx.wide, ExecutionId: failedWide }],
    ['wide failed, 7 a page', { AssociationId: fx.wide, ExecutionId: failedWide, MaxResults: 7 }],
    ['wide first, 50 a page', { AssociationId: fx.wide, ExecutionId: firstWide, MaxResults: 50 }],
    ['narrow failed, 1 a page', { AssociationId: fx.narrow, ExecutionId: failedNarrow, MaxResults: 1 }],
    ['Status Failed', { AssociationId: fx.wide, ExecutionId: failedWide, Filters: [{ Key: 'Status', Value: 'Failed' }] }],
    ['Status Success, 20 a page', { AssociationId: fx.wide, ExecutionId: failedWide, Filters: [{ Key: 'Status', Value: 'Success' }], MaxResults: 20 }],
    ['ResourceId', { AssociationId: fx.wide, ExecutionId: failedWide, Filters: [{ Key: 'ResourceId', Value: target17 }] }],
    ['ResourceId and Status', { AssociationId: fx.wide, ExecutionId: failedWide, Filters: [{ Key: 'ResourceId', Value: target17 }, { Key: 'Status', Value: 'Success' }] }],
    ['ResourceId unknown', { AssociationId: fx.wide, ExecutionId: failedWide, Filters: [{ Key: 'ResourceId', Value: 'i-0123456789abcdef0' }] }],
    ['ResourceType of none', { AssociationId: fx.wide, ExecutionId: failedWide, Filters: [{ Key: 'ResourceType', Value: 'ResourceGroup' }] }],
    ['ResourceType ManagedInstance, 25 a page', { AssociationId: fx.wide, ExecutionId: firstWide, Filters: [{ Key: 'ResourceType', Value: 'ManagedInstance' }], MaxResults: 25 }],
  ];
}
