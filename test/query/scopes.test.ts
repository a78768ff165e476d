import {
  DescribeAssociationExecutionsCommand,
  DescribeAutomationStepExecutionsCommand,
  DescribeSessionsCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SSMClient,
  type Command,
  type CommandInvocation,
  type Session,
} from '@aws-sdk/client-ssm';
import { alertDescriptions, parseAlertConfig } from '../../lambdas/alerts/alert';
import { FailureAlerts } from '../../lambdas/alerts/failure-alerts';
import type { OrganizationStatus, StatusPage } from '../../lambdas/core/collection-status';
import type { ExecutionDetail, ExecutionItem } from '../../lambdas/core/execution-item';
import type { SsmScope } from '../../lambdas/core/scope';
import type { Observation } from '../../lambdas/core/model';
import type { ApiHandler, ApiRequest } from '../../lambdas/query/http';
import { serveApi, type ServedApi } from '../../lambdas/query/node-http';
import { createQueryApi } from '../../lambdas/query/router';
import { associationExecutionObservation, associationExecutionTargetObservation } from '../../lambdas/sources/association/records';
import { automationExecutionObservation, automationStepObservation } from '../../lambdas/sources/automation/records';
import { commandInvocationObservation, commandObservation } from '../../lambdas/sources/run-command/records';
import { sessionObservation } from '../../lambdas/sources/session/records';
import { tableSchemas, type TableNames } from '../../lambdas/sources/tables';
import { CheckpointStore } from '../../lambdas/store/checkpoint-store';
import { FailureDayStore } from '../../lambdas/store/failure-days';
import { RecordStore } from '../../lambdas/store/record-store';
import type { AlertPage } from '../../lambdas/query/views/alert-history';
import { localRoutes } from '../../local/local-mode/routes';
import { awsSsmJson } from '../support/aws-cli';
import { startDynalite, type TestDatabase } from '../support/databases';

/**
 * One archive of several accounts and Regions. Records stored with their scope attributes
 * (`account`, `region`) live there; records stored before the archive collected others carry
 * none and are its home's. Every view shows where each item lives and filters by `account`
 * and `region`; the SSM-compatible endpoint answers for the account and Region its path
 * names, as SSM's own regional endpoint answers for one account and Region ("Amazon Web
 * Services Systems Manager endpoints and quotas", https://docs.aws.amazon.com/general/latest/gr/ssm.html).
 */
const HOME: SsmScope = { account: '111111111111', region: 'eu-west-1' };
const HOME_ELSEWHERE: SsmScope = { account: '111111111111', region: 'us-east-1' };
const MEMBER: SsmScope = { account: '222222222222', region: 'eu-west-1' };
const NOW = new Date('2026-03-10T12:00:00.000Z');
const MINUTE = 60_000;
const NODE = 'i-0aaaaaaaaaaaaaaa1';
const context = { observedAt: NOW, producers: new Set(['poll'] as const) };

/** Where each command lives, newest first; undefined: stored before the archive knew scopes (the home's). */
const COMMAND_SCOPES: readonly (SsmScope | undefined)[] = [undefined, MEMBER, HOME, MEMBER, HOME_ELSEWHERE, MEMBER, undefined, MEMBER, HOME, MEMBER, HOME_ELSEWHERE, MEMBER];
const commandId = (index: number): string => `c0000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
const requestedAt = (index: number): Date => new Date(NOW.getTime() - (index + 1) * 10 * MINUTE);
const shown = (scope: SsmScope | undefined): SsmScope => scope ?? HOME;
const scopeKey = (scope: Partial<SsmScope>): string => `${scope.account ?? '-'}/${scope.region ?? '-'}`;

const MEMBER_AUTOMATION = 'a0000000-0000-4000-8000-000000000001';
const MEMBER_ASSOCIATION = 'b0000000-0000-4000-8000-000000000001';
const HOME_ASSOCIATION = 'b0000000-0000-4000-8000-000000000002';

const withScope = (observation: Observation, scope: SsmScope | undefined): Observation => (scope === undefined ? observation : { ...observation, scope });

async function fill(store: RecordStore): Promise<void> {
  for (const [index, scope] of COMMAND_SCOPES.entries()) {
    const at = requestedAt(index);
    const failed = index % 4 === 1;
    const status = failed ? 'Failed' : 'Success';
    const command: Command = {
      CommandId: commandId(index),
      DocumentName: 'AWS-RunShellScript',
      RequestedDateTime: at,
      Status: status,
      StatusDetails: status,
      TargetCount: 1,
      CompletedCount: 1,
      ErrorCount: failed ? 1 : 0,
      InstanceIds: [NODE],
    };
    const invocation: CommandInvocation = {
      CommandId: commandId(index),
      InstanceId: NODE,
      InstanceName: 'web-1',
      DocumentName: 'AWS-RunShellScript',
      RequestedDateTime: at,
      Status: status,
      StatusDetails: status,
      CommandPlugins: [{ Name: 'aws:runShellScript', Status: status, Output: failed ? 'boom' : 'ok', ResponseCode: failed ? 1 : 0, ResponseStartDateTime: at, ResponseFinishDateTime: new Date(at.getTime() + 1000) }],
    };
    await store.upsert(withScope(commandObservation(command, context), scope));
    await store.upsert(withScope(commandInvocationObservation(invocation, {}, context), scope));
  }
  for (const [index, scope] of [MEMBER, undefined, MEMBER].entries()) {
    const session: Session = { SessionId: `operator-${index}0123456789abcdef`, Target: NODE, Owner: 'arn:aws:iam::111111111111:user/operator', Status: 'Terminated', DocumentName: 'SSM-SessionManagerRunShell', StartDate: new Date(NOW.getTime() - (index * 10 + 5) * MINUTE), EndDate: new Date(NOW.getTime() - index * 10 * MINUTE) };
    await store.upsert(withScope(sessionObservation(session, context), scope));
  }
  for (const [associationId, scope, minutes] of [[MEMBER_ASSOCIATION, MEMBER, 3], [HOME_ASSOCIATION, undefined, 7]] as const) {
    const executionId = `e${associationId.slice(1)}`;
    const created = new Date(NOW.getTime() - minutes * MINUTE);
    await store.upsert(withScope(associationExecutionObservation({ AssociationId: associationId, AssociationVersion: '1', ExecutionId: executionId, Status: 'Success', DetailedStatus: 'Success', CreatedTime: created, ResourceCountByStatus: '{Success=1}' }, context), scope));
    await store.upsert(
      withScope(
        associationExecutionTargetObservation({ AssociationId: associationId, AssociationVersion: '1', ExecutionId: executionId, ResourceId: NODE, ResourceType: 'ManagedInstance', Status: 'Success', DetailedStatus: 'Success', LastExecutionDate: created }, context),
        scope,
      ),
    );
  }
  await store.upsert(withScope(automationExecutionObservation({ AutomationExecutionId: MEMBER_AUTOMATION, DocumentName: 'AWS-RestartEC2Instance', AutomationExecutionStatus: 'Success', ExecutionStartTime: new Date(NOW.getTime() - 2 * MINUTE) }, context), MEMBER));
  await store.upsert(withScope(automationStepObservation(MEMBER_AUTOMATION, { StepExecutionId: 's0000000-0000-4000-8000-000000000001', StepName: 'stop', StepStatus: 'Success', ExecutionStartTime: new Date(NOW.getTime() - 2 * MINUTE) }, context, 0), MEMBER));
}

const request = (path: string, query: Record<string, string> = {}): ApiRequest => ({ method: 'GET', path, query, headers: {}, body: '' });

interface Listed {
  readonly items: ExecutionItem[];
  readonly pageSizes: number[];
}

/** Every page of a view, following its tokens. */
async function everything(api: ApiHandler, path: string, query: Record<string, string>): Promise<Listed> {
  const items: ExecutionItem[] = [];
  const pageSizes: number[] = [];
  let token: string | undefined;
  do {
    const response = await api(request(path, { ...query, ...(token !== undefined ? { nextToken: token } : {}) }));
    expect({ query, status: response.statusCode, body: response.statusCode === 200 ? '' : response.body }).toEqual({ query, status: 200, body: '' });
    const page = JSON.parse(response.body) as { items: ExecutionItem[]; nextToken?: string };
    items.push(...page.items);
    pageSizes.push(page.items.length);
    token = page.nextToken;
  } while (token !== undefined);
  return { items, pageSizes };
}

/** A page is full unless it is the last: a filter that skips records never shortens one. */
const fullPages = (listed: Listed, limit: number): boolean => listed.pageSizes.slice(0, -1).every((size) => size === limit) && (listed.pageSizes.at(-1) ?? 0) <= limit;

const commandsIn = (keep: (scope: SsmScope) => boolean): string[] => COMMAND_SCOPES.flatMap((scope, index) => (keep(shown(scope)) ? [commandId(index)] : []));

let database: TestDatabase;
let tables: TableNames;
/** An archive that collects an organization: where a record lives is read by key where an index does not hold it. */
let organizationApi: ApiHandler;
/** An archive that collects its home only: every record is the home's, and no read is spent learning where one lives. */
let homeApi: ApiHandler;

beforeAll(async () => {
  database = await startDynalite();
  tables = await database.tables('scopes');
  await fill(new RecordStore(database.doc, tableSchemas, tables, () => NOW));
  const common = { db: database.doc, tableNames: tables, pageTokenKey: 'scopes', now: () => NOW, home: HOME };
  organizationApi = createQueryApi({ ...common, organization: { accounts: [MEMBER.account], regions: [HOME.region, HOME_ELSEWHERE.region] } });
  homeApi = createQueryApi(common);
});
afterAll(async () => {
  await database.stop();
});

describe('the views of an archive of several accounts and Regions', () => {
  it('show where every item lives: its account and Region, the home’s for records stored without them', async () => {
    const commands = await everything(organizationApi, '/executions', { kind: 'command' });
    expect(commands.items.map((item) => [item.commandId, scopeKey(item)])).toEqual(COMMAND_SCOPES.map((scope, index) => [commandId(index), scopeKey(shown(scope))]));

    // A node's history reads its invocations and targets from indexes that hold no scope: their records' scopes are read by key.
    const history = await everything(organizationApi, `/instances/${NODE}/history`, { limit: '5' });
    const byId = new Map(history.items.map((item) => [item.commandId ?? item.executionId ?? item.sessionId, scopeKey(item)]));
    for (const [index, scope] of COMMAND_SCOPES.entries()) expect({ id: commandId(index), scope: byId.get(commandId(index)) }).toEqual({ id: commandId(index), scope: scopeKey(shown(scope)) });
    expect(byId.get(`e${MEMBER_ASSOCIATION.slice(1)}`)).toBe(scopeKey(MEMBER));
    expect(byId.get(`e${HOME_ASSOCIATION.slice(1)}`)).toBe(scopeKey(HOME));
    expect(history.items.every((item) => item.account !== undefined && item.region !== undefined)).toBe(true);

    const detail = JSON.parse((await organizationApi(request(`/executions/${commandId(1)}`))).body) as ExecutionDetail;
    expect(detail.record).toMatchObject(MEMBER);
    expect(detail.children.map(scopeKey)).toEqual([scopeKey(MEMBER)]);
  });

  it('in an archive of its home only, read nothing to learn where a record lives', async () => {
    database.calls.reset();
    const history = await everything(homeApi, `/instances/${NODE}/history`, { limit: '50' });
    // One Query per node index (invocations, targets, sessions), and the failed invocations' outputs by key: as before scopes.
    expect(database.calls.snapshot()).toEqual({ QueryCommand: 3, BatchGetItemCommand: 1 });
    expect(history.items).toHaveLength(COMMAND_SCOPES.length + 2 + 3);
    expect(history.items.every((item) => item.account !== undefined && item.region !== undefined)).toBe(true);
  });

  it('keep one account, one Region or both, page after page, each page full; the home’s keep the records stored without scope', async () => {
    const selections: [Record<string, string>, (scope: SsmScope) => boolean][] = [
      [{ account: MEMBER.account }, (scope) => scope.account === MEMBER.account],
      [{ account: HOME.account }, (scope) => scope.account === HOME.account],
      [{ account: HOME.account, region: HOME.region }, (scope) => scope.account === HOME.account && scope.region === HOME.region],
      [{ region: HOME_ELSEWHERE.region }, (scope) => scope.region === HOME_ELSEWHERE.region],
      [{ region: HOME.region }, (scope) => scope.region === HOME.region],
      [{ account: '999999999999' }, () => false],
    ];
    for (const api of [organizationApi, homeApi]) {
      for (const [selection, keep] of selections) {
        for (const limit of [1, 2, 50]) {
          const commands = await everything(api, '/executions', { kind: 'command', ...selection, limit: String(limit) });
          expect({ selection, limit, listed: commands.items.map((item) => item.commandId) }).toEqual({ selection, limit, listed: commandsIn(keep) });
          expect({ selection, limit, full: fullPages(commands, limit) }).toEqual({ selection, limit, full: true });
          expect(commands.items.every((item) => keep({ account: item.account ?? '', region: item.region ?? '' }))).toBe(true);
          // A command's invocations live where it does, read through the keys-only byCommand index.
          const invocations = await everything(api, '/executions', { kind: 'command-invocation', ...selection, limit: String(limit) });
          expect({ selection, limit, listed: invocations.items.map((item) => item.commandId) }).toEqual({ selection, limit, listed: commandsIn(keep) });
          // A node's invocations, from byInstance, which holds no scope.
          const onNode = await everything(api, '/executions', { kind: 'command-invocation', instanceId: NODE, ...selection, limit: String(limit) });
          expect({ selection, limit, listed: onNode.items.map((item) => item.commandId), full: fullPages(onNode, limit) }).toEqual({ selection, limit, listed: commandsIn(keep), full: true });
        }
      }
    }
  });

  it('keep a scope in the merged timeline, a node’s history and the association and session listings', async () => {
    const merged = await everything(organizationApi, '/executions', { account: MEMBER.account, limit: '2' });
    expect(merged.items.every((item) => item.account === MEMBER.account)).toBe(true);
    expect(merged.items.map((item) => item.kind).sort()).toEqual([...Array(6).fill('command'), 'association-execution', 'automation-execution', 'session', 'session'].sort());
    expect(fullPages(merged, 2)).toBe(true);

    const history = await everything(organizationApi, `/instances/${NODE}/history`, { ...HOME, limit: '1' });
    expect(history.items.map((item) => item.commandId ?? item.executionId ?? item.sessionId).sort()).toEqual(
      [...commandsIn((scope) => scope.account === HOME.account && scope.region === HOME.region), `e${HOME_ASSOCIATION.slice(1)}`, 'operator-10123456789abcdef'].sort(),
    );
    expect(history.items.every((item) => item.account === HOME.account && item.region === HOME.region)).toBe(true);

    const targets = await everything(organizationApi, '/executions', { kind: 'association-target', account: MEMBER.account });
    expect(targets.items.map((item) => [item.executionId, item.account])).toEqual([[`e${MEMBER_ASSOCIATION.slice(1)}`, MEMBER.account]]);
    const sessions = await everything(organizationApi, '/executions', { kind: 'session', region: HOME.region, account: HOME.account });
    expect(sessions.items.map((item) => item.sessionId)).toEqual(['operator-10123456789abcdef']);
  });

  it('find an execution only where `account` and `region` say it lives', async () => {
    expect((await organizationApi(request(`/executions/${commandId(1)}`, { account: MEMBER.account }))).statusCode).toBe(200);
    const elsewhere = await organizationApi(request(`/executions/${commandId(1)}`, { account: HOME.account }));
    expect(elsewhere.statusCode).toBe(404);
    expect(JSON.parse(elsewhere.body)).toEqual({ message: `The archive holds no execution ${commandId(1)} in account ${HOME.account}` });
    // Stored before scopes: the home's.
    expect((await organizationApi(request(`/executions/${commandId(0)}`, { ...HOME }))).statusCode).toBe(200);
  });

  it('refuse a malformed account or Region, a repeated one, and a token of another scope, with a 400 that names it', async () => {
    // An account id is 12 digits ("The regex pattern for an account ID string requires exactly
    // 12 digits", Organizations DescribeAccount, https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeAccount.html).
    const cases: [string, Record<string, string>, RegExp][] = [
      ['/executions', { account: '12345' }, /^account must be an AWS account id of 12 digits, got "12345"$/],
      ['/executions', { account: '1111111111111' }, /account must be an AWS account id of 12 digits/],
      ['/executions', { region: 'Europe' }, /^region must be an AWS Region name such as eu-west-1, got "Europe"$/],
      ['/executions', { account: `${HOME.account},${MEMBER.account}` }, /account takes one value/],
      [`/instances/${NODE}/history`, { region: 'eu-west' }, /region must be an AWS Region name/],
      [`/executions/${commandId(1)}`, { region: 'x' }, /region must be/],
    ];
    for (const [path, query, message] of cases) {
      const response = await organizationApi(request(path, query));
      expect({ path, query, status: response.statusCode }).toEqual({ path, query, status: 400 });
      expect((JSON.parse(response.body) as { message: string }).message).toMatch(message);
    }
    const first = JSON.parse((await organizationApi(request('/executions', { kind: 'command', account: MEMBER.account, limit: '1' }))).body) as { nextToken: string };
    const other = await organizationApi(request('/executions', { kind: 'command', account: HOME.account, limit: '1', nextToken: first.nextToken }));
    expect(other.statusCode).toBe(400);
    expect(other.body).toMatch(/nextToken is not valid/);
  });

  it('read with Queries and reads by key, never a Scan', async () => {
    database.calls.reset();
    await everything(organizationApi, '/executions', { account: MEMBER.account, limit: '3' });
    await everything(organizationApi, `/instances/${NODE}/history`, { region: HOME.region, limit: '3' });
    const calls = Object.keys(database.calls.snapshot());
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((call) => !['QueryCommand', 'BatchGetItemCommand', 'GetItemCommand'].includes(call))).toEqual([]);
  });
});

describe('the SSM-compatible endpoint, one account and Region at a time', () => {
  let served: ServedApi;
  const clients: SSMClient[] = [];
  /** An SDK client whose endpoint URL names a scope with the path prefix (none: the home). */
  const client = (scope?: SsmScope): SSMClient => {
    const prefix = scope === undefined ? '' : `/accounts/${scope.account}/regions/${scope.region}`;
    const created = new SSMClient({ endpoint: `${served.url}${prefix}`, region: scope?.region ?? HOME.region, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    clients.push(created);
    return created;
  };
  const errorOf = (promise: Promise<unknown>): Promise<string> =>
    promise.then(
      () => 'no error',
      (error: unknown) => (error as Error).name,
    );

  beforeAll(async () => {
    served = await serveApi(organizationApi);
  });
  afterAll(async () => {
    for (const created of clients) created.destroy();
    await served.close();
  });

  async function listed(ssm: SSMClient, maxResults: number): Promise<string[]> {
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const page = await ssm.send(new ListCommandsCommand({ MaxResults: maxResults, ...(token !== undefined ? { NextToken: token } : {}) }));
      ids.push(...(page.Commands ?? []).map((command) => command.CommandId ?? ''));
      token = page.NextToken;
    } while (token !== undefined);
    return ids;
  }

  it('lists only the commands of the account and Region its path names; without a path, the home’s', async () => {
    for (const maxResults of [1, 2, 50]) {
      expect(await listed(client(MEMBER), maxResults)).toEqual(commandsIn((scope) => scope.account === MEMBER.account));
      expect(await listed(client(HOME_ELSEWHERE), maxResults)).toEqual(commandsIn((scope) => scope.region === HOME_ELSEWHERE.region));
      const home = commandsIn((scope) => scope.account === HOME.account && scope.region === HOME.region);
      expect(await listed(client(), maxResults)).toEqual(home);
      expect(await listed(client(HOME), maxResults)).toEqual(home);
    }
    const onNode = await client(MEMBER).send(new ListCommandInvocationsCommand({ InstanceId: NODE, Details: true }));
    expect((onNode.CommandInvocations ?? []).map((invocation) => invocation.CommandId)).toEqual(commandsIn((scope) => scope.account === MEMBER.account));
    const sessions = await client(MEMBER).send(new DescribeSessionsCommand({ State: 'History' }));
    expect((sessions.Sessions ?? []).map((session) => session.SessionId)).toEqual(['operator-00123456789abcdef', 'operator-20123456789abcdef']);
  });

  it('answers for an id of another account or Region as SSM does for an unknown id', async () => {
    const member = client(MEMBER);
    const home = client();
    // InvalidCommandId and InvocationDoesNotExist are SSM's answers for ids it does not hold
    // (ListCommands, GetCommandInvocation: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetCommandInvocation.html).
    expect((await member.send(new ListCommandsCommand({ CommandId: commandId(1) }))).Commands?.map((command) => command.CommandId)).toEqual([commandId(1)]);
    expect(await errorOf(home.send(new ListCommandsCommand({ CommandId: commandId(1) })))).toBe('InvalidCommandId');
    expect((await member.send(new GetCommandInvocationCommand({ CommandId: commandId(1), InstanceId: NODE }))).Status).toBe('Failed');
    expect(await errorOf(home.send(new GetCommandInvocationCommand({ CommandId: commandId(1), InstanceId: NODE })))).toBe('InvocationDoesNotExist');
    expect(await errorOf(member.send(new GetCommandInvocationCommand({ CommandId: commandId(0), InstanceId: NODE })))).toBe('InvocationDoesNotExist');
    expect((await home.send(new ListCommandInvocationsCommand({ CommandId: commandId(1) }))).CommandInvocations).toEqual([]);
    expect((await member.send(new DescribeAutomationStepExecutionsCommand({ AutomationExecutionId: MEMBER_AUTOMATION }))).StepExecutions).toHaveLength(1);
    expect(await errorOf(home.send(new DescribeAutomationStepExecutionsCommand({ AutomationExecutionId: MEMBER_AUTOMATION })))).toBe('AutomationExecutionNotFoundException');
    expect((await member.send(new DescribeAssociationExecutionsCommand({ AssociationId: MEMBER_ASSOCIATION }))).AssociationExecutions).toHaveLength(1);
    expect(await errorOf(home.send(new DescribeAssociationExecutionsCommand({ AssociationId: MEMBER_ASSOCIATION })))).toBe('AssociationDoesNotExist');
    expect(await errorOf(member.send(new DescribeAssociationExecutionsCommand({ AssociationId: HOME_ASSOCIATION })))).toBe('AssociationDoesNotExist');
  });

  it('refuses a token of another scope, and a path that names no account or Region', async () => {
    const first = await client(MEMBER).send(new ListCommandsCommand({ MaxResults: 1 }));
    expect(await errorOf(client().send(new ListCommandsCommand({ MaxResults: 1, NextToken: first.NextToken })))).toBe('InvalidNextToken');
    // The home's tokens are the same with or without its prefix.
    const home = await client().send(new ListCommandsCommand({ MaxResults: 1 }));
    expect((await client(HOME).send(new ListCommandsCommand({ MaxResults: 1, NextToken: home.NextToken }))).Commands).toHaveLength(1);

    expect(await errorOf(client({ account: '2222', region: 'eu-west-1' }).send(new ListCommandsCommand({})))).toBe('ValidationException');
    expect(await errorOf(client({ account: MEMBER.account, region: 'Ireland' }).send(new ListCommandsCommand({})))).toBe('ValidationException');
    const response = await organizationApi({ method: 'POST', path: '/accounts/2222/regions/eu-west-1', query: {}, headers: { 'x-amz-target': 'AmazonSSM.ListCommands' }, body: '{}' });
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toEqual({ __type: 'ValidationException', message: expect.stringContaining('an account is 12 digits') as unknown });
    expect((await organizationApi(request(`/accounts/${MEMBER.account}/regions/${MEMBER.region}`))).statusCode).toBe(405);
  });

  it('is routed by local mode as by API Gateway: its routes hand the prefixed path to the query API', async () => {
    const refuse = async (): Promise<never> => {
      throw new Error('not the query API');
    };
    const local = localRoutes(refuse, refuse, organizationApi);
    const response = await local({ method: 'POST', path: `/accounts/${MEMBER.account}/regions/${MEMBER.region}`, query: {}, headers: { 'x-amz-target': 'AmazonSSM.ListCommands' }, body: '{}' });
    expect(response.statusCode).toBe(200);
    expect((JSON.parse(response.body) as { Commands: { CommandId: string }[] }).Commands.map((command) => command.CommandId)).toEqual(commandsIn((scope) => scope.account === MEMBER.account));
  });

  it('serves the AWS CLI v1 one account and Region: --endpoint-url …/accounts/A/regions/R keeps its path', async () => {
    // --endpoint-url overrides the command's default URL ("Using endpoints in the AWS CLI",
    // https://docs.aws.amazon.com/cli/v1/userguide/cli-configure-endpoints.html); botocore sends
    // its JSON-protocol POST to that URL's path, which this shows by the answer.
    const listedBy = async (endpoint: string): Promise<string[]> =>
      ((await awsSsmJson(endpoint, 'list-commands')) as { Commands: { CommandId: string }[] }).Commands.map((command) => command.CommandId);
    expect(await listedBy(`${served.url}/accounts/${MEMBER.account}/regions/${MEMBER.region}`)).toEqual(commandsIn((scope) => scope.account === MEMBER.account));
    expect(await listedBy(`${served.url}/accounts/${HOME_ELSEWHERE.account}/regions/${HOME_ELSEWHERE.region}`)).toEqual(commandsIn((scope) => scope.region === HOME_ELSEWHERE.region));
    expect(await listedBy(served.url)).toEqual(commandsIn((scope) => scope.account === HOME.account && scope.region === HOME.region));
  }, 120_000);
});

describe('GET /alerts of an archive of several accounts and Regions', () => {
  let api: ApiHandler;
  const alertContext = { region: HOME.region, accountId: HOME.account };
  const alertConfig = parseAlertConfig({ statuses: 'Failed' });

  beforeAll(async () => {
    const alertTables = await database.tables('scopes-alerts');
    const store = new RecordStore(database.doc, tableSchemas, alertTables, () => NOW);
    const alerts = new FailureAlerts({
      publisher: { publish: async () => ({ messageId: 'm' }) },
      claims: store,
      config: alertConfig,
      context: alertContext,
      maxAgeMs: 24 * 60 * MINUTE,
      logger: { info: () => undefined, warn: () => undefined },
      failureDays: new FailureDayStore(database.doc, alertTables.failureDays),
      now: () => NOW,
    });
    // Failed invocations, newest first: the member's, the home's (stored before scopes), the member's, the home's in another Region.
    for (const [index, scope] of [MEMBER, undefined, MEMBER, HOME_ELSEWHERE].entries()) {
      const at = new Date(NOW.getTime() - (index + 1) * MINUTE);
      const invocation: CommandInvocation = {
        CommandId: commandId(100 + index),
        InstanceId: NODE,
        DocumentName: 'AWS-RunShellScript',
        RequestedDateTime: at,
        Status: 'Failed',
        StatusDetails: 'Failed',
        CommandPlugins: [{ Name: 'aws:runShellScript', Status: 'Failed', Output: 'boom', ResponseCode: 1, ResponseStartDateTime: at, ResponseFinishDateTime: at }],
      };
      const observation = withScope(commandInvocationObservation(invocation, {}, context), scope);
      const alert = alerts.alertOf(observation);
      if (alert === undefined) throw new Error('the failed invocation raised no alert');
      await alerts.store(observation, alert);
    }
    api = createQueryApi({ db: database.doc, tableNames: alertTables, pageTokenKey: 'scopes', now: () => NOW, home: HOME, organization: { accounts: [MEMBER.account], regions: [HOME.region] }, alerts: alertDescriptions(alertContext, alertConfig) });
  });

  const alertsOf = async (query: Record<string, string>): Promise<AlertPage['items'][number][]> => {
    const items: AlertPage['items'][number][] = [];
    let token: string | undefined;
    do {
      const response = await api(request('/alerts', { ...query, ...(token !== undefined ? { nextToken: token } : {}) }));
      expect(response.statusCode).toBe(200);
      const page = JSON.parse(response.body) as AlertPage;
      items.push(...page.items);
      token = page.nextToken;
    } while (token !== undefined);
    return items;
  };

  it('says where each failed record lives, and keeps one account or Region a page at a time', async () => {
    const all = await alertsOf({});
    expect(all.map((item) => [item.commandId, scopeKey(item)])).toEqual([
      [commandId(100), scopeKey(MEMBER)],
      [commandId(101), scopeKey(HOME)],
      [commandId(102), scopeKey(MEMBER)],
      [commandId(103), scopeKey(HOME_ELSEWHERE)],
    ]);
    expect((await alertsOf({ account: MEMBER.account, limit: '1' })).map((item) => item.commandId)).toEqual([commandId(100), commandId(102)]);
    expect((await alertsOf({ account: HOME.account, limit: '1' })).map((item) => item.commandId)).toEqual([commandId(101), commandId(103)]);
    expect((await alertsOf({ ...HOME, limit: '1' })).map((item) => item.commandId)).toEqual([commandId(101)]);
    expect((await api(request('/alerts', { account: 'me' }))).statusCode).toBe(400);
    // Failures per day are counted as the collector stored them, for the whole archive: no scope to filter by.
    expect(JSON.parse((await api(request('/failures/daily', { account: MEMBER.account }))).body)).toEqual({ message: expect.stringContaining('Unknown parameter account') as unknown });
  });
});

describe('GET /status of an archive of several accounts and Regions', () => {
  const BROKEN: SsmScope = { account: '333333333333', region: 'eu-west-1' };
  const organization = { accounts: [MEMBER.account, BROKEN.account], regions: [HOME.region, HOME_ELSEWHERE.region] };
  let statusTables: TableNames;
  let checkpoints: CheckpointStore;

  const statusOf = async (api: ApiHandler): Promise<StatusPage> => {
    database.calls.reset();
    const response = await api(request('/status'));
    expect(response.statusCode).toBe(200);
    return JSON.parse(response.body) as StatusPage;
  };

  beforeAll(async () => {
    statusTables = await database.tables('scopes-status');
    checkpoints = new CheckpointStore(database.doc, statusTables.pollCheckpoints, HOME);
    await checkpoints.saveProgress('run-command', { watermark: '2026-03-10T11:50:00.000Z', lastPollStartedAt: '2026-03-10T11:55:00.000Z', lastSuccessfulPollAt: '2026-03-10T11:55:02.000Z', add: { parentsListed: 4 } });
    await checkpoints.saveProgress('run-command', { lastPollStartedAt: '2026-03-10T11:55:00.000Z', lastSuccessfulPollAt: '2026-03-10T11:55:03.000Z', add: { parentsListed: 7 } }, MEMBER);
    // The broken member: its read role is gone, and every poll there fails.
    await checkpoints.saveProgress('run-command', { lastPollStartedAt: '2026-03-10T11:55:00.000Z', lastError: 'AccessDenied: cannot assume arn:aws:iam::333333333333:role/ssm-history-read-eu-west-1', lastErrorAt: '2026-03-10T11:55:01.000Z' }, BROKEN);
    await checkpoints.saveProgress('automation', { lastPollStartedAt: '2026-03-10T11:56:00.000Z', lastError: 'AccessDenied: cannot assume arn:aws:iam::333333333333:role/ssm-history-read-eu-west-1', lastErrorAt: '2026-03-10T11:56:01.000Z' }, BROKEN);
  });

  it('answers a single-account archive as before: its kinds, one BatchGetItem', async () => {
    const status = await statusOf(createQueryApi({ db: database.doc, tableNames: statusTables, pageTokenKey: 'scopes', home: HOME }));
    expect(Object.keys(status)).toEqual(['kinds']);
    expect(status.kinds.map((kind) => kind.kind)).toEqual(['run-command', 'automation', 'association', 'maintenance-window', 'session']);
    expect(status.kinds[0]).toEqual({ kind: 'run-command', watermark: '2026-03-10T11:50:00.000Z', lastPollStartedAt: '2026-03-10T11:55:00.000Z', lastSuccessfulPollAt: '2026-03-10T11:55:02.000Z', listingInProgress: false, recordsStored: 0, missedByEvents: 0, parentsListed: 4, throttles: 0 });
    expect(database.calls.snapshot()).toEqual({ BatchGetItemCommand: 1 });
  });

  it('reports every account, Region and kind of an organization, and the broken member among them', async () => {
    const status = await statusOf(createQueryApi({ db: database.doc, tableNames: statusTables, pageTokenKey: 'scopes', home: HOME, organization }));
    // The home's kinds keep their place and shape.
    expect(status.kinds[0]).toMatchObject({ kind: 'run-command', parentsListed: 4 });
    const org = status.organization as OrganizationStatus;
    expect(org).toMatchObject({ home: HOME, accounts: [HOME.account, MEMBER.account, BROKEN.account], accountsFrom: 'configuration', regions: organization.regions });
    // The home, then each account in each Region: 6 account-Regions, 5 kinds each.
    const scopes = [...new Set(org.collections.map(scopeKey))];
    expect(scopes).toEqual([scopeKey(HOME), scopeKey(HOME_ELSEWHERE), scopeKey(MEMBER), '222222222222/us-east-1', scopeKey(BROKEN), '333333333333/us-east-1']);
    expect(org.collections).toHaveLength(6 * 5);
    expect(org.collections.find((entry) => scopeKey(entry) === scopeKey(MEMBER) && entry.kind === 'run-command')).toMatchObject({ lastSuccessfulPollAt: '2026-03-10T11:55:03.000Z', parentsListed: 7 });
    expect(org.collections.find((entry) => scopeKey(entry) === scopeKey(BROKEN) && entry.kind === 'run-command')).toEqual({
      account: BROKEN.account,
      region: BROKEN.region,
      kind: 'run-command',
      lastPollStartedAt: '2026-03-10T11:55:00.000Z',
      listingInProgress: false,
      recordsStored: 0,
      missedByEvents: 0,
      parentsListed: 0,
      throttles: 0,
      lastError: 'AccessDenied: cannot assume arn:aws:iam::333333333333:role/ssm-history-read-eu-west-1',
      lastErrorAt: '2026-03-10T11:55:01.000Z',
    });
    expect(org.summary).toEqual({
      scopes: 6,
      scopesFailing: 1,
      // Only the home and the member have had a successful poll.
      scopesNeverPolled: 4,
      failing: [{ account: BROKEN.account, region: BROKEN.region, kinds: ['run-command', 'automation'], lastError: expect.stringContaining('AccessDenied') as unknown, lastErrorAt: '2026-03-10T11:56:01.000Z' }],
    });
    // 30 checkpoints by key: one BatchGetItem.
    expect(database.calls.snapshot()).toEqual({ BatchGetItemCommand: 1 });
  });

  it('reads the accounts of an organization the poller lists from the checkpoints table', async () => {
    const api = createQueryApi({ db: database.doc, tableNames: statusTables, pageTokenKey: 'scopes', home: HOME, organization: { accounts: 'organization', regions: [HOME.region] } });
    const before = (await statusOf(api)).organization as OrganizationStatus;
    // Before the poller first lists the organization: the home alone.
    expect(before).toMatchObject({ accounts: [HOME.account], accountsFrom: 'organization', summary: { scopes: 1, scopesFailing: 0 } });
    expect(before.accountsListedAt).toBeUndefined();

    await checkpoints.saveMembers([HOME.account, MEMBER.account, BROKEN.account], '2026-03-10T11:50:00.000Z');
    expect(await checkpoints.members()).toEqual({ accounts: [HOME.account, MEMBER.account, BROKEN.account], listedAt: '2026-03-10T11:50:00.000Z' });
    const after = (await statusOf(api)).organization as OrganizationStatus;
    expect(after).toMatchObject({ accounts: [HOME.account, MEMBER.account, BROKEN.account], accountsFrom: 'organization', accountsListedAt: '2026-03-10T11:50:00.000Z' });
    expect(after.summary).toMatchObject({ scopes: 3, scopesFailing: 1, failing: [{ account: BROKEN.account, kinds: ['run-command', 'automation'] }] });
    // The members, then the checkpoints: two reads by key.
    expect(database.calls.snapshot()).toEqual({ BatchGetItemCommand: 2 });
  });
});
