import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createLog } from '../log';
import { PageTokens } from '../ssm-protocol/page-token';
import type { TableNames } from '../sources/tables';
import { ArchiveReader } from './archive-reader';
import { errorAttributes, isDynamoDbValidationError, type QueryLog } from './failures';
import type { ApiHandler, ApiRequest, ApiResponse } from './http';
import { ListingTokens } from '../ssm-protocol/paging';
import { jsonResponse, messageResponse } from './responses';
import { answerSsmRequest } from './ssm-endpoint/endpoint';
import { endpointContextFor, type EndpointPathScope } from './ssm-endpoint/endpoint-scope';
import { CheckpointStore } from '../store/checkpoint-store';
import type { OrganizationConfig } from '../config';
import type { SsmScope } from '../core/scope';
import type { ArchiveScopes } from './read-scope';
import { FailureDayStore } from '../store/failure-days';
import { executionDetail, ExecutionNotFoundError } from './views/execution-detail';
import type { ExecutionDetail } from '../core/execution-item';
import { instanceHistory } from './views/instance-history';
import { KIND_LINEAGES } from '../sources/lineage';
import { ViewRequestError } from './views/parameters';
import { archiveStatus } from './views/status';
import type { StatusPage } from '../core/collection-status';
import { dailyFailures, latestAlerts, type AlertPage } from './views/alert-history';
import type { AlertDescriptions, DailyFailures } from '../core/alert-content';
import { timeline } from './views/timeline';
import type { ViewContext, ViewPage } from './views/view-context';

/**
 * The query API, one handler for every route, written against ApiRequest/ApiResponse so that
 * the Lambda handler (API Gateway) and local mode (node:http) serve the same thing:
 *
 *   POST /                              SSM's JSON protocol, for the archive's home account
 *                                       and Region (ListCommands,
 *                                       ListCommandInvocations, GetCommandInvocation,
 *                                       DescribeAutomationExecutions,
 *                                       DescribeAutomationStepExecutions,
 *                                       DescribeAssociationExecutions,
 *                                       DescribeAssociationExecutionTargets,
 *                                       DescribeMaintenanceWindowExecutions,
 *                                       DescribeMaintenanceWindowExecutionTasks,
 *                                       DescribeMaintenanceWindowExecutionTaskInvocations,
 *                                       DescribeSessions)
 *   POST /accounts/{account}/regions/{region}
 *                                       the same, for that account and Region only
 *   GET  /executions                    the timeline (kind, status, documentName, instanceId, since,
 *                                       until, account, region, limit, nextToken)
 *   GET  /executions/{id}               one execution of any kind: its record, its children, what
 *                                       started it and what it started (limit: children shown;
 *                                       account, region: where it must live)
 *   GET  /instances/{instanceId}/history one node's history (status, documentName, since, until,
 *                                       account, region, limit, nextToken)
 *   GET  /alerts                        the alerts sent, newest failure first (kind, account,
 *                                       region, limit, nextToken), each as its alert said it
 *   GET  /failures/daily                failures that alert per UTC day and kind (days: 1-90), as
 *                                       the collector counted them
 *   GET  /status                        per kind: watermark, last poll, records stored, missed by
 *                                       events, throttles, oldest record SSM returned; with an
 *                                       organization, per account, Region and kind too
 *
 * Every route reads with a Query on a key or an index, GetItem or BatchGetItem; none scans.
 */
/**
 * Every route the handler answers, in API Gateway's route syntax: the deployed API routes
 * exactly these to it (a path parameter in braces), so a route added here is deployed too.
 */
export const QUERY_ROUTES = [
  { method: 'POST', path: '/' },
  { method: 'POST', path: '/accounts/{account}/regions/{region}' },
  { method: 'GET', path: '/executions' },
  { method: 'GET', path: '/executions/{id}' },
  { method: 'GET', path: '/instances/{instanceId}/history' },
  { method: 'GET', path: '/status' },
  { method: 'GET', path: '/alerts' },
  { method: 'GET', path: '/failures/daily' },
] as const;

export interface QueryApiDependencies {
  readonly db: DynamoDBDocumentClient;
  readonly tableNames: TableNames;
  /** Keys the page tokens' HMAC: tokens of another archive (another key) are refused. */
  readonly pageTokenKey: string;
  /** The archive's clock: where walks down the years start, a running plugin's elapsed time, and what the views' since=7d counts back from. */
  readonly now?: () => Date;
  /** Where failures the caller only sees as a status code are logged. Default: JSON lines on stdout. */
  readonly log?: QueryLog;
  /** How the alerts engine describes a failure: GET /alerts and GET /failures/daily answer 404 without it. */
  readonly alerts?: AlertDescriptions;
  /**
   * The archive's own account and Region: records stored without scope attributes are its,
   * and `POST /` answers for it. Without it, records show where they live only when stored
   * with it, and `POST /` answers from every record, as before the archive collected others.
   */
  readonly home?: SsmScope;
  /** The member accounts and Regions the archive collects besides its home (GET /status reports each); absent: its home only. */
  readonly organization?: Pick<OrganizationConfig, 'accounts' | 'regions'>;
}

type Route =
  | { readonly name: 'ssm'; readonly method: 'POST'; readonly scope?: EndpointPathScope }
  | { readonly name: 'executions'; readonly method: 'GET' }
  | { readonly name: 'execution'; readonly method: 'GET'; readonly id: string }
  | { readonly name: 'instanceHistory'; readonly method: 'GET'; readonly instanceId: string }
  | { readonly name: 'status'; readonly method: 'GET' }
  | { readonly name: 'alerts'; readonly method: 'GET' }
  | { readonly name: 'dailyFailures'; readonly method: 'GET' };

export function createQueryApi(deps: QueryApiDependencies): ApiHandler {
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? createLog('ssm-history-query');
  const scopes: ArchiveScopes | undefined = deps.home === undefined ? undefined : { home: deps.home, collectsOthers: deps.organization !== undefined };
  const reader = new ArchiveReader(deps.db, deps.tableNames, now, scopes);
  const pageTokens = new PageTokens(deps.pageTokenKey);
  const tokens = new ListingTokens(pageTokens);
  const endpoint = { reader, pageTokens, tokens, now, ...(scopes !== undefined ? { scopes } : {}) };
  const views: ViewContext = { reader, tokens, now };
  const checkpoints = new CheckpointStore(deps.db, deps.tableNames.pollCheckpoints, deps.home);
  const collected = { ...(deps.home !== undefined ? { home: deps.home } : {}), ...(deps.organization !== undefined ? { organization: deps.organization } : {}) };
  const failureDays = new FailureDayStore(deps.db, deps.tableNames.failureDays);

  return async (request: ApiRequest): Promise<ApiResponse> => {
    const route = routeOf(request.path);
    if (route === undefined) return messageResponse(404, `Not found: ${request.path}. Routes: ${QUERY_ROUTES.map((known) => `${known.method} ${known.path}`).join(', ')}`);
    if (request.method !== route.method) {
      return messageResponse(405, `${request.method} is not allowed on ${request.path}; use ${route.method}`, { allow: route.method });
    }
    switch (route.name) {
      case 'ssm':
        return answerSsmRequest(request, () => endpointContextFor(route.scope, endpoint), log);
      case 'executions':
        return answerView(() => timeline(request.query, views), log);
      case 'execution':
        return answerView(() => executionDetail(route.id, request.query, reader, KIND_LINEAGES), log);
      case 'instanceHistory':
        return answerView(() => instanceHistory(route.instanceId, request.query, views), log);
      case 'status':
        return answerView(() => archiveStatus(request.query, checkpoints, collected), log);
      case 'alerts':
      case 'dailyFailures': {
        const alerts = deps.alerts;
        if (alerts === undefined) return messageResponse(404, `${request.path} is not served by this archive: it was assembled without alert descriptions`);
        return answerView(() => (route.name === 'alerts' ? latestAlerts(request.query, views, alerts) : dailyFailures(request.query, views, failureDays, alerts)), log);
      }
    }
  };
}

/** Paths arrive as sent (percent-encoded); a trailing slash is forgiven. */
function routeOf(path: string): Route | undefined {
  if (path === '/' || path === '') return { name: 'ssm', method: 'POST' };
  const segments = path.replace(/\/$/, '').split('/').slice(1);
  if (segments.length === 4 && segments[0] === 'accounts' && segments[2] === 'regions') {
    return { name: 'ssm', method: 'POST', scope: { account: decodeSegment(segments[1] ?? ''), region: decodeSegment(segments[3] ?? '') } };
  }
  if (segments.length === 1 && segments[0] === 'executions') return { name: 'executions', method: 'GET' };
  if (segments.length === 2 && segments[0] === 'executions' && segments[1]) return { name: 'execution', method: 'GET', id: decodeSegment(segments[1]) };
  if (segments.length === 1 && segments[0] === 'status') return { name: 'status', method: 'GET' };
  if (segments.length === 1 && segments[0] === 'alerts') return { name: 'alerts', method: 'GET' };
  if (segments.length === 2 && segments[0] === 'failures' && segments[1] === 'daily') return { name: 'dailyFailures', method: 'GET' };
  if (segments.length === 3 && segments[0] === 'instances' && segments[2] === 'history' && segments[1]) {
    return { name: 'instanceHistory', method: 'GET', instanceId: decodeSegment(segments[1]) };
  }
  return undefined;
}

/** A malformed escape stays as it is: the view then rejects it as a bad instanceId. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function answerView(view: () => Promise<ViewPage | StatusPage | ExecutionDetail | AlertPage | DailyFailures>, log: QueryLog): Promise<ApiResponse> {
  try {
    return jsonResponse(200, await view());
  } catch (error) {
    if (error instanceof ViewRequestError) return messageResponse(400, error.message);
    if (error instanceof ExecutionNotFoundError) return messageResponse(404, error.message);
    if (isDynamoDbValidationError(error)) {
      log.warn('DynamoDB refused a query built from the request', errorAttributes(error));
      return messageResponse(400, `The archive cannot answer this request: ${error.message}`);
    }
    log.error('Archive view failed', errorAttributes(error));
    return messageResponse(500, 'An internal error occurred; the archive logged it.');
  }
}
